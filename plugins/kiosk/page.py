"""The QR rating page as plain HTML: small, Chinese, made for a phone, no script.

The tags of a level show once that level is picked, with CSS alone (``:has``); a
browser without it shows every level's tags under their headings, and the server
refuses tags that are not the chosen level's anyway. Every value from a token or
the catalog is escaped.
"""

from __future__ import annotations

from html import escape

LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

_STYLE = (
    """
body{font-family:"WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:0;padding:16px;
font-size:18px;line-height:1.5;max-width:560px;margin:auto;color:#222}
h1{font-size:22px;margin:8px 0 16px}
.case{background:#f3f5f8;padding:10px 12px;border-radius:8px;margin-bottom:16px}
.levels label,.tags label{display:block;padding:12px;margin:6px 0;border:1px solid #bbb;
border-radius:8px;min-height:24px}
input[type=radio],input[type=checkbox]{transform:scale(1.4);margin-right:10px}
.tags{display:none}
form:not(:has(input[name=level]:checked)) .hint{display:block}
.hint{display:none;color:#666}
"""
    + "".join(
        f'form:has(input[name=level][value="{n}"]:checked) .tags[data-level="{n}"]{{display:block}}'
        for n in LEVEL_NAMES
    )
    + """
textarea{width:100%;box-sizing:border-box;font-size:18px;min-height:96px}
button{width:100%;font-size:20px;padding:14px;margin-top:16px;border:0;border-radius:8px;
background:#c8102e;color:#fff}
.error{background:#fde8e8;color:#8a1010;padding:10px 12px;border-radius:8px}
.note{color:#555;font-size:15px}
"""
)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def _case_box(case_no: str, item_name: str, window_no: str) -> str:
    rows = [f"<div>办件编号：{escape(case_no)}</div>"] if case_no else []
    if item_name:
        rows.append(f"<div>办理事项：{escape(item_name)}</div>")
    if window_no:
        rows.append(f"<div>办理窗口：{escape(window_no)} 号窗口</div>")
    return f'<div class="case">{"".join(rows)}</div>'


def form(
    *,
    action: str,
    case_no: str,
    item_name: str,
    window_no: str,
    choices: dict[int, list[str]],
    max_text: int,
    error: str = "",
    level: int | None = None,
    tags: tuple[str, ...] = (),
    text: str = "",
) -> str:
    """The rating form; ``error`` (one sentence) and the values keep what was chosen."""
    parts = ["<h1>请您评价本次办事服务</h1>", _case_box(case_no, item_name, window_no)]
    if error:
        parts.append(f'<p class="error" id="error">{escape(error)}</p>')
    parts.append(f'<form method="post" action="{escape(action)}">')
    parts.append('<fieldset class="levels"><legend>满意程度</legend>')
    for n in sorted(LEVEL_NAMES, reverse=True):
        checked = " checked" if level == n else ""
        parts.append(
            f'<label><input type="radio" name="level" value="{n}" id="level-{n}"{checked}>'
            f"{LEVEL_NAMES[n]}</label>"
        )
    parts.append("</fieldset>")
    parts.append('<p class="hint">选择满意程度后，可勾选具体评价。</p>')
    for n in sorted(LEVEL_NAMES, reverse=True):
        options = choices.get(n, [])
        if not options:
            continue
        parts.append(f'<fieldset class="tags" data-level="{n}"><legend>{LEVEL_NAMES[n]}：</legend>')
        for i, tag in enumerate(options):
            checked = " checked" if level == n and tag in tags else ""
            parts.append(
                f'<label><input type="checkbox" name="tag" value="{escape(tag)}" '
                f'id="tag-{n}-{i}"{checked}>{escape(tag)}</label>'
            )
        parts.append("</fieldset>")
    parts.append(
        f'<p><label for="text">意见建议（选填，不超过 {max_text} 字，请勿填写身份证号、手机号）</label>'
        f'<textarea name="text" id="text" maxlength="{max_text}">{escape(text)}</textarea></p>'
    )
    parts.append('<button type="submit" id="submit">提交评价</button></form>')
    parts.append('<p class="note">每个办件只能评价一次。感谢您的监督。</p>')
    return _page("办事评价", "".join(parts))


def thanks(level: int) -> str:
    body = (
        '<h1 id="done">评价已提交，感谢您的评价！</h1>'
        f"<p>您的评价：{escape(LEVEL_NAMES.get(level, ''))}</p>"
    )
    if level in (1, 2):
        body += "<p>我们会在规定时间内回访核实并整改，结果将向您反馈。</p>"
    return _page("评价已提交", body)


def refused(title: str, message: str) -> str:
    """A clear page for a link that cannot be used (used, expired, forged, damaged)."""
    body = f'<h1 id="refused">{escape(title)}</h1><p class="error">{escape(message)}</p>'
    body += '<p class="note">如需帮助，请咨询大厅工作人员或拨打 12345 政务服务便民热线。</p>'
    return _page(title, body)
