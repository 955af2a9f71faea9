from __future__ import annotations

import logging

import pytest
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from core.identifiers import check_mobile, check_resident_id, check_uscc, normalise
from core.masking import PersonalDataFilter, mask_id, mask_name, mask_phone, scrub


def _with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def test_normalises_full_width_and_lower_x() -> None:
    assert normalise("３７０３０３ １９８０") == "3703031980"
    number = _with_check("37030319800101123")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    assert check_resident_id(full_width).value == number
    x_number = next(
        _with_check(f"3703031990010100{i}")
        for i in range(10)
        if _with_check(f"3703031990010100{i}").endswith("X")
    )
    result = check_resident_id(x_number.lower())
    assert result.ok and result.value.endswith("X")


def test_zibo_number_of_someone_born_before_1983_is_accepted() -> None:
    # stdnum's own validate() rejects this real-world shape (Zibo codes dated 1983).
    number = _with_check("37030319700315201")
    with pytest.raises(ValidationError):
        ric.validate(number)
    result = check_resident_id(number)
    assert result.ok


def test_unknown_address_code_is_a_warning_not_an_error() -> None:
    number = _with_check("99999919900101123")
    result = check_resident_id(number)
    assert result.ok and result.warnings and "999999" in result.warnings[0]


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("37030319800101", "18 位"),
        ("3703031980010112AB", "17 位数字"),
        (_with_check("37030319801301123"), "出生日期"),
    ],
)
def test_resident_id_errors(raw: str, fragment: str) -> None:
    result = check_resident_id(raw)
    assert not result.ok and fragment in result.error


def test_bad_check_digit() -> None:
    number = _with_check("37030319800101123")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert "校验位" in check_resident_id(wrong).error


def test_uscc_check_and_override(caplog: pytest.LogCaptureFixture) -> None:
    from stdnum.cn import uscc

    good = "91370303MA3C" + "12345"
    good = good + uscc.calc_check_digit(good)
    assert check_uscc(good).ok
    assert check_uscc(good.lower()).ok
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "校验位" in check_uscc(bad).error
    with caplog.at_level(logging.WARNING):
        overridden = check_uscc(bad, allow_bad_check_digit=True, staff_no="1001")
    assert overridden.ok and overridden.warnings and "1001" in caplog.text
    assert "I、O、S、V、Z" in check_uscc("91370303MA3C1234IO").error


def test_mobile() -> None:
    assert check_mobile("138 1234 5678").ok
    assert check_mobile("+8613812345678").value == "13812345678"
    assert not check_mobile("0533-2512345").ok


def test_masks() -> None:
    assert mask_id("370303198001011239") == "370303********1239"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧**娜"
    assert (
        scrub("申请人 370303198001011239 电话 13812345678")
        == "申请人 370303********1239 电话 138****5678"
    )


def test_log_filter_scrubs_personal_data() -> None:
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "id %s phone %s",
        ("370303198001011239", "13812345678"),
        None,
    )
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "id 370303********1239 phone 138****5678"
