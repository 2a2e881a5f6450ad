"""The texts of the workbooks: Attachment 1 and its sheet2 in the notice's words, the
template's prompts, and the sheet names and headers of the reports, status and bundle files.
"""

from __future__ import annotations

# --- Attachment 1 layout texts (from the 2021 Rizhao notice, verbatim) -----------------
DATA_SHEET_NAME = "附件1"
TITLE_LINE = "附件 1: 数据梳理格式模板 (职称证书信息)"
UNIT_LABEL = "填报单位名称 (公章):"
SIGNER_LABEL = "负责人 (签字):"
HEADERS: dict[str, str] = {
    "region_code": "行政区划代码",
    "cert_no": "证书编号",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "name": "姓名",
    "gender": "性别",
    "series": "职称系列",
    "level": "职称级别",
    "title_name": "职称名称",
    "issue_date": "发证日期",
    "issuer": "发证机构",
    "review_body": "评审机构",
}
EXPLANATIONS: dict[str, str] = {
    "region_code": "指职称评审机构所在地的行政区划代码。",
    "cert_no": "指职称证书的编号。",
    "id_type": "指职称证书获得人的证件类型。",
    "id_number": "指职称证书获得人的证件号码。",
    "name": "指职称证书获得人的姓名。",
    "gender": "指职称证书获得人的性别。",
    "series": "指职称证书的职称系列。",
    "level": "指职称证书的职称级别。正高级、副高级、中级、初级。",
    "title_name": "指职称证书的职称名称。",
    "issue_date": "指职称证书的发证日期 (格式为YYYYMMDD, 20210101样式)。",
    "issuer": "指职称证书的发证机构。",
    "review_body": "指职称评审机构。",
}
INSTRUCTIONS = (
    "填表说明: 1. 行政区划代码: 请从下拉菜单中选择评审机构所在地行政区划代码。 "
    "2. 证书编号: 按照实际职称证书编号正确填写, 若无编号可不填写。 "
    "3. 证件类型: 请从下拉菜单中选择证件类型。具体分为身份证、护照、港澳台居民居住证、"
    "香港特区护照/港澳居民来往内地通行证、澳门特区护照/港澳居民来往内地通行证、台湾居民来往大陆通行证。 "
    "4. 职称系列、职称级别: 请从下拉菜单中选择, 如下拉菜单中没有合适的选项, "
    "按照取得职称证书所显示的职称系列 (专业) 如实填写。 "
    "5. 职称名称: 请按照sheet2职称名称中所列内容规范填写。 "
    "6. 发证日期: 填写格式为20210101, 不可填写年月日, 不可用“.”或“-”连接。 "
    "7. 发证机构、评审机构: 请填写机构官方全称, 如“山东省人力资源和社会保障厅”。"
    "如涉及机构改革、单位重组的按照评审和制发证书时机构官方全称如实填写。"
)
GENDERS = ("男", "女")  # order matters: the sheet picks index 2 - (17th digit mod 2)
# The notice's own wording (附件1 填表说明), which levels.yaml and id_types.yaml must keep
# verbatim: the issue messages (messages.py) name the levels, and the bureau's system expects
# these texts.
NOTICE_LEVELS = ("正高级", "副高级", "中级", "初级")
NOTICE_ID_TYPES = (
    "身份证",
    "护照",
    "港澳台居民居住证",
    "香港特区护照/港澳居民来往内地通行证",
    "澳门特区护照/港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
)
EXAMPLE_MARK = "示例"
EXPLANATION_MARK = "说明"
CHECK_HEADER = "本行校验"
CHECK_SUMMARY = "本表共 {n} 行有问题"
REGION_OWN_LEVEL = "本级"
FOOTER = "&C第 &P 页 共 &N 页"

# --- the notice's sheet2 (职称名称): every title name by series and level ------------------
TITLES_SHEET_NAME = "职称名称"
TITLES_SHEET_TITLE = "职称名称表 (填写附件1第9列“职称名称”时, 请按本表所列内容规范填写)"
TITLES_SHEET_HEADERS = ("职称系列", "职称级别", "职称名称", "可接受的旧称或其他写法")
TITLES_ALIAS_JOINER = "、"
TITLES_LEGACY_NOTE = "旧名称, 老证书上的可照填"

# --- template sheet texts ---------------------------------------------------------------
# The notice's example row; the ID number is synthetic (template.py completes its check char).
EXAMPLE_VALUES: dict[str, str] = {
    "region_code": "370000000000山东省本级",
    "cert_no": "鲁0120200000001",
    "id_type": "身份证",
    "name": "张三",
    "gender": "男",
    "series": "012 技工学校教师",
    "level": "正高级",
    "title_name": "技工学校教师-正高级 实习指导教师",
    "issue_date": "20191119",
    "issuer": "山东省人力资源和社会保障厅",
    "review_body": "山东省人力资源和社会保障厅",
}
# Input prompts per column key (Excel: title = header, message <= 255 characters).
DV_PROMPTS: dict[str, str] = {
    "region_code": "请从下拉菜单中选择评审机构所在地的行政区划代码。",
    "cert_no": "按职称证书如实填写编号, 不要有空格; 若无编号可不填写。",
    "id_type": "请从下拉菜单中选择证件类型。",
    "id_number": (
        "身份证号码为 18 位, 最后一位如为 X 请大写。本列是文本格式, 请直接输入, 不要改成数字格式。"
    ),
    "name": "填写职称证书获得人的姓名, 不要含有数字。",
    "gender": "请从下拉菜单中选择。身份证号码第 17 位为单数是男, 双数是女。",
    "series": (
        "请从下拉菜单中选择; 如没有合适的选项, 按照职称证书所显示的职称系列 (专业) 如实填写。"
    ),
    "level": "请从下拉菜单中选择: 正高级、副高级、中级、初级。",
    "title_name": "请先选择职称系列和职称级别, 再从下拉菜单中选择职称名称。",
    "issue_date": "填写 8 位数字, 如 20210101; 不可填写年月日, 不可用“.”或“-”连接。",
    "issuer": "请填写发证机构官方全称, 如“山东省人力资源和社会保障厅”。",
    "review_body": "请填写评审机构官方全称, 如“山东省人力资源和社会保障厅”。",
}
DV_ERROR_TITLE = "输入有误"  # Excel: <= 32 characters
DV_WARNING_TITLE = "请核对"
# Error messages of the data validations per column key (Excel: <= 224 characters).
DV_ERRORS: dict[str, str] = {
    "region_code": "请从下拉菜单中选择行政区划代码。",
    "cert_no": "证书编号不能含有空格, 请按证书如实填写。",
    "id_type": "请从下拉菜单中选择证件类型。",
    "id_number": (
        "证件号码有误: 身份证号码应为 18 位且校验位正确 (最后一位 X 大写), 也不能存成数字。"
        "请核对后重新输入。"
    ),
    "name": "姓名不能含有数字。",
    "gender": "请从下拉菜单中选择“男”或“女”。",
    "series": "该职称系列不在下拉菜单中。如职称证书上确实如此, 请点“是”按证书如实填写。",
    "level": "职称级别应为正高级、副高级、中级或初级。如职称证书上确实如此, 请点“是”继续。",
    "title_name": "请先选择职称系列和职称级别, 再从下拉菜单中选择职称名称。",
    "issue_date": (
        "发证日期应为真实存在的 8 位日期, 如 20210101; 不可填写年月日, 不可用“.”或“-”连接。"
    ),
    "issuer": (
        "同一人员的同一职称 (证件类型、证件号码、职称名称都相同) 已在本表其他行填写过, "
        "请勿重复填写。"
    ),
}

# --- Report workbooks (report.py, errorbook.py, summary.py, bundle.py) -------------------
UNASSIGNED_SHEET = "未分配"  # consolidated rows that match no review office's scope
NO_UNIT = "未识别单位"  # errors.xlsx sheet for files whose unit is unknown (rejected files)
SUMMARY_SHEET = "汇总"
CAMPAIGN_OPEN_SHEET = "全部未解决错误"  # errors.xlsx: every error still open in the campaign
SUMMARY_UNIT_HEADERS = ("单位", "文件数", "行数", "有效", "有误", "重复", "排除", "问题数")
SUMMARY_CODE_HEADERS = ("代码", "级别", "数量")
SUMMARY_TOTAL = "合计"
ERRORS_HEADERS = ("单位", "文件", "工作表", "行号", "列", "列名", "内容", "代码", "级别", "说明")
BUNDLE_SUMMARY_TITLE = "{campaign} 上报包汇总"
BUNDLE_SUMMARY_HEADERS = ("单位", "文件数", "行数", "有效行数")

# --- Campaign status (status.py, statusbook.py, statushtml.py, the status command) --------
STATUS_TITLE = "职称证书信息采集进度"
STATUS_SUBTITLE = "采集批次 {campaign},截至 {as_of}"
STATUS_HEADERS = (
    "单位", "审核机构", "状态", "报送文件", "最近接收", "行数", "有效", "有误", "重复", "排除",
    "撤回", "未解决错误", "已发更正表", "已收回更正表",
)  # fmt: skip
STATUS_STATES = {"open": "待更正", "missing": "未报送", "done": "已完成"}
STATUS_NO_OFFICE = "未指定审核机构"
STATUS_OFFICE_HEADERS = (
    "审核机构", "单位数", "待更正", "未报送", "已完成", "行数", "有效", "有误", "未解决错误",
)  # fmt: skip
STATUS_CARDS = (
    ("units", "单位"), ("units_done", "已完成"), ("units_open", "待更正"),
    ("units_missing", "未报送"), ("valid_rows", "有效行"), ("open_errors", "未解决错误"),
)  # fmt: skip
STATUS_NEEDS_ACTION = "需要处理的单位"
STATUS_ALL_DONE = "所有单位均已完成,没有需要处理的单位。"
STATUS_OFFICES = "各审核机构进度"
STATUS_PROGRESS = "{done}/{units} 个单位已完成"
STATUS_DONE_UNITS = "已完成的单位"
STATUS_UNASSIGNED_FILES = "另有 {n} 个文件无法识别所属单位(已退回)。"

# --- Lists read on ingest ---------------------------------------------------------------
# Header names accepted in --revoked / --ecert lists (English keys are accepted as well).
EXCLUSION_HEADERS: dict[str, tuple[str, ...]] = {
    "id_number": ("证件号码", "身份证号码", "身份证号", "公民身份号码", "证件号"),
    "cert_no": ("证书编号", "证书号", "证书号码"),
    "title_name": ("职称名称", "职称", "资格名称"),
}
