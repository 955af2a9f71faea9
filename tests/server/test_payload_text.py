"""How the server writes a pushed payload: compact JSON, keys sorted, text as itself."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from server.sync import _dumps

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _sorted_keys(value: Any) -> bool:
    if isinstance(value, dict):
        keys = list(value)
        return keys == sorted(keys) and all(_sorted_keys(v) for v in value.values())
    if isinstance(value, list):
        return all(_sorted_keys(v) for v in value)
    return True


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_a_payload_reads_back_as_itself_with_keys_sorted(payload: dict[str, Any]) -> None:
    text = _dumps(payload)
    back = json.loads(text)
    assert back == payload
    assert _sorted_keys(back)


def test_chinese_text_is_kept_as_itself_and_big_integers_survive() -> None:
    text = _dumps({"评价": "满意", "n": 2**70, "z": [1.5, -0.0], "a": None})
    assert text == '{"a":null,"n":1180591620717411303424,"z":[1.5,-0.0],"评价":"满意"}'
    assert not math.copysign(1, json.loads(text)["z"][1]) > 0
