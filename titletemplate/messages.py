"""Every Chinese string the product shows: headers, sheet texts, issue messages, CLI lines."""

from __future__ import annotations

from collections.abc import Mapping

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
# verbatim: the messages above name the levels, and the bureau's system expects these texts.
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
# Short hints shown by the locked self-check column, one per rule code.
SHEET_HINTS: dict[str, str] = {
    "region-missing": "行政区划代码未填写",
    "region-unknown": "行政区划代码不在下拉菜单中",
    "region-legacy": "行政区划代码是已调整的历史代码",
    "cert-no-precision-lost": "证书编号被存成了数字",
    "cert-no-whitespace": "证书编号含有空格",
    "id-type-missing": "证件类型未填写",
    "id-type-unknown": "证件类型不在下拉菜单中",
    "id-number-missing": "证件号码未填写",
    "id-number-precision-lost": "证件号码被存成了数字, 后几位已丢失",
    "id-number-15-digit": "证件号码是 15 位旧号码",
    "id-number-length": "证件号码位数不对",
    "id-number-chars": "证件号码含有无效字符",
    "id-number-birth-date": "证件号码中的出生日期不存在",
    "id-number-checksum": "证件号码校验位错误",
    "id-number-prefix": "居住证号码开头不对",
    "id-number-pattern": "证件号码不符合该证件类型的号码格式",
    "name-missing": "姓名未填写",
    "name-invalid": "姓名含有数字",
    "gender-missing": "性别未填写",
    "gender-unknown": "性别只能填写男或女",
    "gender-id-mismatch": "性别与身份证号码不符",
    "series-missing": "职称系列未填写",
    "series-unknown": "职称系列不在下拉菜单中",
    "level-missing": "职称级别未填写",
    "level-unknown": "职称级别不在下拉菜单中",
    "title-missing": "职称名称未填写",
    "title-unknown": "职称名称不在职称名称表中",
    "title-not-in-series": "职称名称与职称系列、级别不符",
    "issue-date-missing": "发证日期未填写",
    "issue-date-format": "发证日期应为 8 位数字",
    "issue-date-invalid": "发证日期不存在",
    "issue-date-out-of-window": "发证日期不在本次采集范围内",
    "issuer-missing": "发证机构未填写",
    "issuer-unknown": "发证机构不在已知机构名单中",
    "review-body-missing": "评审机构未填写",
    "review-body-unknown": "评审机构不在已知机构名单中",
    "duplicate-person-title": "与第 {n} 行重复(同一人同一职称)",
}
LEGACY_DUPLICATE_HINT = "与本表其他行重复 (同一人同一职称)"  # the layout-1 template's hint

# --- Issue messages: one template per catalogue code ------------------------------------
# Placeholders: {file} {sheet} {row} {column} {header} {value} {detail}.
MESSAGES: dict[str, str] = {
    "file-empty": "文件“{file}”是空文件(0 字节)。请重新保存后再报送。",
    "file-lock": "“{file}”是 Excel/WPS 打开文件时产生的临时锁定文件(~$开头),不是报送数据,请忽略或删除。",
    "file-not-xlsx": "“{file}”不是 .xlsx 工作簿,未处理。请使用下发的模板填写并保存为 .xlsx。",
    "file-legacy-xls": "“{file}”是旧版 .xls 格式。请在 Excel/WPS 中“另存为”Excel 工作簿(*.xlsx)后重新报送。",
    "file-wps-et": "“{file}”是 WPS 表格(.et)格式。请在 WPS 中“另存为”Excel 工作簿(*.xlsx)后重新报送。",
    "file-encrypted": "“{file}”设置了打开密码或文档加密/账号加密,无法读取。请取消加密后重新报送。",
    "file-html": "“{file}”实际是网页(HTML)文件,只是扩展名为 .xlsx。请用下发的模板填写后重新报送。",
    "file-csv": "“{file}”实际是文本/CSV 文件,只是扩展名为 .xlsx。请用下发的模板填写后重新报送。",
    "file-corrupt": "“{file}”已损坏或不完整(可能传输中断)。请重新保存并报送。",
    "file-not-workbook": "“{file}”不是 Excel 工作簿。请用下发的模板填写后重新报送。",
    "file-strict-ooxml": "“{file}”保存为“Strict Open XML”格式。请“另存为”普通 Excel 工作簿(*.xlsx)后重新报送。",
    "file-too-large": "“{file}”过大或解压后体积异常({detail}),为安全起见未读取。请检查文件后重新报送。",
    "file-unsafe-xml": "“{file}”含有不安全或无效的 XML 内容,为安全起见未读取。请用下发的模板重新填写。",
    "file-path-too-long": "“{file}”所在的路径太长({detail} 个字符,Windows 最多 259 个),无法读取。请把报送文件移到路径较短的文件夹(如 D:\\报送)后重新处理。",
    "file-unreadable": "“{file}”无法读取({detail})。请用下发的模板重新保存后报送。",
    "template-unsigned": "“{file}”不是本系统下发的模板(缺少校验页)。请使用下发给本单位的模板填写。",
    "template-tampered": "“{file}”的模板校验信息被修改或来自其他单位的模板({detail})。请使用下发给本单位的模板填写。",
    "template-wrong-campaign": "“{file}”属于其他采集批次({detail}),请使用本次下发的模板。",
    "template-layout-unknown": "“{file}”的模板版式版本({detail})无法识别,请使用最新下发的模板。",
    "sheet-missing": "“{file}”中找不到数据表“附件1”。请勿重命名或删除该工作表。",
    "file-password-wrong": "“{file}”设置了打开密码,所提供的密码都打不开。请向报送单位核对密码,用 --password 或 --passwords 重新接收。",
    "archive-corrupt": "压缩包“{file}”已损坏或不完整(可能传输中断),无法解压({detail})。请重新打包后报送。",
    "archive-empty": "压缩包“{file}”中没有文件。请检查后重新打包报送。",
    "archive-encrypted": "压缩包“{file}”设置了密码。请向报送单位索取密码,接收时用 --password 或 --passwords 提供。",
    "archive-password-wrong": "压缩包“{file}”的密码不对,所提供的密码都解不开。请向报送单位核对密码后重新接收。",
    "archive-rar": "“{file}”是 RAR 压缩包,本系统不读取 RAR。请解压后重新打包为 .zip 格式报送。",
    "archive-too-large": "压缩包“{file}”中的文件过多或解压后过大({detail}),为安全起见未解压。请分批打包报送。",
    "archive-bomb": "压缩包“{file}”解压后的体积异常({detail}),可能是“压缩炸弹”,为安全起见未解压。",
    "archive-too-deep": "“{file}”是压缩包里套压缩包,超过 {detail} 层,未解压。请解开后重新打包报送。",
    "archive-member-unsafe": "压缩包中的“{file}”路径不安全({detail}),为安全起见未读取。请核实压缩包来源,重新打包后报送。",
    "template-wrong-key": "“{file}”的模板由另一把密钥签发,与本次校验所用的公钥不符(模板签发密钥指纹 / 本次公钥指纹: {detail})。这不是篡改:请用签发该模板的公钥(--public-key)重新接收。",
    "template-vocab-outdated": "“{file}”使用的是旧版字典({detail}),已按最新字典重新校验。",
    "template-protection-removed": "“{file}”的工作表保护已被取消,请核对数据是否被改动。",
    "archive-renamed": "“{file}”所在的文件实际是压缩包(扩展名被改成了 .xlsx),已按压缩包解压读取。",
    "archive-member-duplicate": "压缩包中有同名文件,“{file}”是其中之一,已分别读取,请核对。",
    "archive-member-ignored": "“{file}”是系统自动生成的文件(如 __MACOSX、Thumbs.db、~$ 临时文件),不是报送数据,已忽略。",
    "bundle-file-missing": "上报包清单 manifest.csv 列有“{file}”,但包中没有这个文件。请向报送方核实后重新打包报送。",
    "bundle-file-changed": "“{file}”与上报包清单 manifest.csv 中记录的不一致(清单 sha256 {detail}…),打包后被改动过,请向报送方核实。",
    "bundle-part": "“{file}”是上报包自带的清单或汇总表,不是报送数据,不单独读取。",
    "bundle-route": "“{file}”经上报包转来,下级接收时的文件名为“{detail}”。",
    "file-already-ingested": "“{file}”与已接收的文件内容完全相同,不重复处理。",
    "submission-superseded": "“{file}”已被同一模板的新版本报送取代,旧数据仅保留在历史记录中。",
    "header-mismatch": "“{file}”工作表“附件1”的表头与模板不一致(第 4 行 {detail})。请勿修改、插入或删除列,请使用下发的模板重新填写。",
    "data-sheet-copied": "“{file}”中的工作表“{detail}”是“附件1”的副本,且填有数据,这些数据不会被读取。请把全部数据填入“附件1”,删除副本后重新报送。",
    "rows-outside-input-block": "工作表“{sheet}”第 {row} 行在填报区域之外仍有数据,已一并读取,请核对。",
    "row-merged-cells": "第 {row} 行 {column} 列有合并单元格({value})。请取消合并并逐行填写。",
    "title-revoked": "第 {row} 行:该人员的职称已被取消,按规定不得上报。",
    "duplicate-conflict": "第 {row} 行:同一证书在“{detail}”中也有报送,但内容不一致,请核对。",
    "duplicate-certificate": "第 {row} 行:该证书已在“{detail}”中报送,按一条记录处理。",
    "duplicate-person-title": "第 {row} 行:同一人的同一职称已在“{detail}”中报送,按一条记录处理。",
    "already-e-certified": "第 {row} 行:该证书已制发职称电子证书,无需上报。",
    "row-withdrawn": "第 {row} 行:单位在更正表中删除了该行,原报送的“{detail}”已撤回,不再汇总。",
    "correction-outdated": "第 {row} 行:该行已由更晚下发的更正表“{detail}”更正,本表中的这一行不再采用。",
    "cell-formula": "第 {row} 行 {header}({column} 列)是公式,请“选择性粘贴→数值”后重新填写。",
    "cell-error-value": "第 {row} 行 {header}({column} 列)是错误值 {value},请填写实际内容。",
    "cell-boolean": "第 {row} 行 {header}({column} 列)是逻辑值 {value},请填写实际内容。",
    "cell-too-long": "第 {row} 行 {header}({column} 列)内容过长,请核对。",
    "region-missing": "第 {row} 行 行政区划代码({column} 列)未填写,请从下拉菜单中选择。",
    "region-unknown": "第 {row} 行 行政区划代码({column} 列)“{value}”不在山东省区划代码表中,请从下拉菜单中选择。",
    "region-legacy": "第 {row} 行 行政区划代码({column} 列)“{value}”是已调整的历史代码,已接收,请核对。",
    "cert-no-whitespace": "第 {row} 行 证书编号({column} 列)含有空格,请按证书如实填写,不要有空格。",
    "cert-no-precision-lost": "第 {row} 行 证书编号({column} 列)被 Excel 存成了数字,部分数字已丢失。请将该列设为文本后重新填写。",
    "id-type-missing": "第 {row} 行 证件类型({column} 列)未填写,请从下拉菜单中选择。",
    "id-type-unknown": "第 {row} 行 证件类型({column} 列)“{value}”不在下拉菜单中,请从下拉菜单中选择。",
    "id-number-missing": "第 {row} 行 证件号码({column} 列)未填写。",
    "id-number-precision-lost": "第 {row} 行 证件号码({column} 列)被 Excel 存成了数字,后几位已丢失,无法恢复。请将该列设为文本后重新填写。",
    "id-number-numeric": "第 {row} 行 证件号码({column} 列)是数字格式,已按文本读取,请核对。",
    "id-number-length": "第 {row} 行 证件号码({column} 列)“{value}”应为 18 位,实际为 {detail} 位。",
    "id-number-chars": "第 {row} 行 证件号码({column} 列)“{value}”前 17 位应为数字,最后一位为数字或 X。",
    "id-number-birth-date": "第 {row} 行 证件号码({column} 列)“{value}”中的出生日期不存在。",
    "id-number-checksum": "第 {row} 行 证件号码({column} 列)“{value}”校验位错误,请核对号码。",
    "id-number-15-digit": "第 {row} 行 证件号码({column} 列)“{value}”是 15 位旧号码,请填写 18 位身份证号码。",
    "id-number-pattern": "第 {row} 行 证件号码({column} 列)“{value}”不符合{detail}号码格式。",
    "id-number-prefix": "第 {row} 行 证件号码({column} 列)“{value}”:港澳台居民居住证号码应以 810000、820000 或 830000 开头。",
    "id-number-region-unknown": "第 {row} 行 证件号码({column} 列)“{value}”的地址码不在已知区划中,请核对。",
    "name-missing": "第 {row} 行 姓名({column} 列)未填写。",
    "name-invalid": "第 {row} 行 姓名({column} 列)“{value}”含有数字或无效字符。",
    "gender-missing": "第 {row} 行 性别({column} 列)未填写。",
    "gender-unknown": "第 {row} 行 性别({column} 列)“{value}”只能填写“男”或“女”。",
    "gender-id-mismatch": "第 {row} 行 性别({column} 列)“{value}”与身份证号码第 17 位不符。",
    "series-missing": "第 {row} 行 职称系列({column} 列)未填写。",
    "series-unknown": "第 {row} 行 职称系列({column} 列)“{value}”不在下拉菜单中,已按填写内容接收,请核对。",
    "level-missing": "第 {row} 行 职称级别({column} 列)未填写。",
    "level-unknown": "第 {row} 行 职称级别({column} 列)“{value}”应为正高级、副高级、中级或初级,已按填写内容接收,请核对。",
    "title-missing": "第 {row} 行 职称名称({column} 列)未填写。",
    "title-unknown": "第 {row} 行 职称名称({column} 列)“{value}”不在职称名称表(sheet2)中,请从下拉菜单中选择。",
    "title-not-in-series": "第 {row} 行 职称名称({column} 列)“{value}”不属于所选的职称系列和级别({detail}),请重新选择。",
    "title-alias": "第 {row} 行 职称名称({column} 列)“{value}”是旧称,已按“{detail}”接收。",
    "issue-date-missing": "第 {row} 行 发证日期({column} 列)未填写。",
    "issue-date-format": "第 {row} 行 发证日期({column} 列)“{value}”应为 8 位数字,如 20210101。",
    "issue-date-invalid": "第 {row} 行 发证日期({column} 列)“{value}”不是真实存在的日期。",
    "issue-date-out-of-window": "第 {row} 行 发证日期({column} 列)“{value}”不在本次采集范围({detail})内。",
    "issue-date-converted": "第 {row} 行 发证日期({column} 列)“{value}”已转换为 {detail},请以后按 20210101 格式填写。",
    "issue-date-before-adult": "第 {row} 行 发证日期({column} 列)早于持证人年满 18 周岁,请核对。",
    "issuer-missing": "第 {row} 行 发证机构({column} 列)未填写。",
    "issuer-unknown": "第 {row} 行 发证机构({column} 列)“{value}”不在已知机构名单中,请确认为官方全称。",
    "review-body-missing": "第 {row} 行 评审机构({column} 列)未填写。",
    "review-body-unknown": "第 {row} 行 评审机构({column} 列)“{value}”不在已知机构名单中,请确认为官方全称。",
}

# What each code means, for the README code table (English, for maintainers).
SEVERITY_NAMES = {"error": "错误", "warning": "提示", "info": "信息"}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, fields: Mapping[str, object]) -> str:
    """Fill the Chinese template of `code` with the given fields; unknown fields become blank."""
    template = MESSAGES[code]
    values = _Blank({k: "" if v is None else str(v) for k, v in fields.items()})
    return template.format_map(values)  # __missing__ blanks unknown fields


# --- Ingest outputs (report.py, corrections.py, exclusions.py, demo.py) -------------------
SOURCE_LOCATION = "{unit} {file} 第 {row} 行"  # the {detail} of duplicate-* messages
UNASSIGNED_SHEET = "未分配"  # consolidated rows that match no review office's scope
NO_UNIT = "未识别单位"  # errors.xlsx sheet for files whose unit is unknown (rejected files)
SUMMARY_SHEET = "汇总"
CAMPAIGN_OPEN_SHEET = "全部未解决错误"  # errors.xlsx: every error still open in the campaign
SUMMARY_UNIT_HEADERS = ("单位", "文件数", "行数", "有效", "有误", "重复", "排除", "问题数")
SUMMARY_CODE_HEADERS = ("代码", "级别", "数量")
SUMMARY_TOTAL = "合计"
ERRORS_HEADERS = ("单位", "文件", "工作表", "行号", "列", "列名", "内容", "代码", "级别", "说明")
# Campaign status (status.py, statusbook.py, statushtml.py)
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
CLI_STATUS_LINE = (
    "{unit} | {office} | {state} | {rows} | {valid_rows} | {invalid_rows} | {open_errors}"
)
CLI_DEMO_ROUND_2 = "第二轮: 各单位按更正表修改后重新报送(corrected 文件夹)。"
CLI_DEMO_STATUS = "采集进度(report/status.html):"
CLI_STATUS_HEADER = "单位 | 审核机构 | 状态 | 行数 | 有效 | 有误 | 未解决错误"
CLI_STATUS_SUMMARY = (
    "共 {units} 个单位: 已完成 {units_done},待更正 {units_open},未报送 {units_missing};"
    "当前 {rows} 行: 有效 {valid_rows},有误 {invalid_rows},重复 {duplicate_rows},"
    "排除 {excluded_rows};撤回 {withdrawn_rows} 行;未解决错误 {open_errors} 个。"
)
# Header names accepted in --revoked / --ecert lists (English keys are accepted as well).
EXCLUSION_HEADERS: dict[str, tuple[str, ...]] = {
    "id_number": ("证件号码", "身份证号码", "身份证号", "公民身份号码", "证件号"),
    "cert_no": ("证书编号", "证书号", "证书号码"),
    "title_name": ("职称名称", "职称", "资格名称"),
}
# Synthetic people for `titletemplate demo` (fixed seed; not real persons).
DEMO_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅"
    "沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔"
    "白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
)
DEMO_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥建华文辉力"
    "明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子"
    "杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功"
    "松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦"
    "翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
DEMO_CERT_PREFIX = "鲁"  # certificate numbers issued in Shandong start with it

# --- Vocabulary checker messages (vocab check) -------------------------------------------
VOCAB_MESSAGES: dict[str, str] = {
    "vocab-file-missing": "缺少字典文件",
    "vocab-yaml-syntax": "YAML 格式错误: {detail}",
    "vocab-field-missing": "缺少必填项“{detail}”",
    "vocab-bad-value": "取值无效: {detail}",
    "vocab-duplicate-code": "代码“{detail}”重复",
    "vocab-duplicate-name": "名称“{detail}”重复",
    "vocab-unknown-series": "职称系列“{detail}”不在 series.yaml 中",
    "vocab-unknown-level": "职称级别“{detail}”不在 levels.yaml 中",
    "vocab-unknown-parent": "上级区划代码“{detail}”不存在",
    "vocab-unknown-unit": "单位“{detail}”不在 units.yaml 中",
    "vocab-text-too-long": "文字“{detail}”超过 Excel 下拉列表允许的长度",
    "vocab-bad-character": '文字“{detail}”含有会破坏下拉列表的字符(| , " * ? ~ 换行或首尾空格)',
    "vocab-date-window": "发证日期范围无效: {detail}",
    "vocab-title-group-split": "职称“{detail}”所在的系列+级别分组不连续,请把同一系列同一级别的职称放在一起",
    "vocab-title-order": "职称“{detail}”排错了位置: 请按 series.yaml 的系列顺序排列,同一系列里按 levels.yaml 的级别顺序(正高级、副高级、中级、初级)排列",
    "vocab-not-quoted": "“{detail}”必须加英文双引号(不加引号时前导零会丢失,日期会被当成数字)",
    "vocab-legacy-not-last": "现行区划“{detail}”排在历史代码(legacy: true)之后,历史代码应放在文件末尾",
    "vocab-bad-credit-code": "统一社会信用代码“{detail}”无效: 应为 18 位数字或大写字母(不含 I、O、Z、S、V),第 3–8 位为数字,最后一位校验码按 GB 32100-2015 计算",
    "vocab-unknown-region": "区划代码“{detail}”不在 regions.yaml 中",
    "vocab-supervisor-not-office": "主管部门“{detail}”不是评委会办事机构(units.yaml 里 kind: office 的单位)",
    "vocab-not-in-notice": "“{detail}”与通知附件1的原文不一致,请按原文填写,不要增删或修改",
    "vocab-short-not-office": "简称“{detail}”只给评委会办事机构(kind: office)填写",
}
VOCAB_OK = (
    "字典检查通过: 区划 {regions} 个(含历史代码 {legacy} 个), 证件类型 {id_types} 种, "
    "职称系列 {series} 个(待替换的占位代码 {placeholders} 个), 级别 {levels} 个, "
    "职称名称 {titles} 个(旧称 {aliases} 个), 单位 {units} 个, 任务分工 {routes} 条, 机构 {orgs} 个。"
)
VOCAB_FAILED = "字典检查发现 {n} 个问题。"
VOCAB_USED = "使用字典: {path}({source})"
VOCAB_SOURCES = {
    "option": "--vocab 参数指定",
    "env": "环境变量 TITLETEMPLATE_VOCAB 指定",
    "cwd": "当前文件夹下的 vocab",
    "packaged": "程序内置字典",
}
VOCAB_INIT_DONE = (
    "已将内置字典的 {n} 个文件(含注释)复制到 {path},可按本地情况修改,"
    "然后用 --vocab {path} 或环境变量 TITLETEMPLATE_VOCAB 指定;"
    "文件夹名为 vocab 时,在它的上一级文件夹运行命令即自动使用。"
)

# --- CLI lines ----------------------------------------------------------------------------
CLI_DEMO_KEY = (
    "注意: 正在使用内置演示密钥签发/校验模板,仅供演示,正式使用请先运行 titletemplate keygen。"
)
CLI_DEMO_KEY_REAL_TEMPLATES = (
    "!!! 警告: 本次用的是内置演示公钥,但有 {n} 个文件的模板由正式密钥(指纹 {keys})签发,已全部退回。"
    "这些文件并没有被篡改: 请用 --public-key 指定市人社局下发的公钥(bureau-public.pem)后重新接收。"
)
CLI_UNEXPECTED = "程序意外出错({error}),详细信息已写入日志: {log}"
CLI_KEY_WRITTEN = (
    "已生成密钥: 私钥 {private}(仅本人可读,妥善保管,切勿外传);公钥 {public}(可分发给各级审核单位)。"
)
CLI_KEY_FINGERPRINT = (
    "密钥指纹: {fingerprint}。每份模板都记录签发密钥的指纹;各级拿到公钥后可与人社局电话核对此指纹。"
)
CLI_BUILT = "已生成模板: {path}"
CLI_BUILT_MANY = "已为 {n} 个单位生成模板,清单: {manifest}"
CLI_UNIT_UNKNOWN = "单位“{unit}”不在 units.yaml 中,将按名称直接生成模板。"
CLI_PASSWORD = "{file} 的工作表保护密码: {password}"
CLI_ERROR = "错误[{code}]: {detail}"
CLI_INGEST_SUMMARY = (
    "共 {files} 个文件(接收 {accepted_files},退回 {rejected_files});"
    "共 {rows} 行: 有效 {valid_rows},有误 {invalid_rows},重复 {duplicate_rows},排除 {excluded_rows}。"
)
CLI_INGEST_RETIRED = "其中 {withdrawn_rows} 行已在更正表中删除(原报送行撤回),{outdated_rows} 行来自过期的更正表(未采用)。"
CLI_OUTPUTS = "结果已写入: {out}"
CLI_MISSING_UNITS = "尚未报送的单位({n} 个): {units}"
CLI_ACCEPTED = "接收"
CLI_REJECTED = "退回"
CLI_IGNORED = "忽略"
CLI_BUNDLE_WRITTEN = (
    "已打包 {n} 个文件(单位 {units} 个),附清单 manifest.csv 和汇总表 summary.xlsx: {path}"
)
CLI_BUNDLE_ENCRYPTED = (
    "上报包已用 AES-256 加密。密码请另行告知接收方(电话或短信),不要与文件一起发送。"
)
CLI_BUNDLE_ONE_CHOICE = "--office、--supervisor、--unit 只能选用一种。"
CLI_BUNDLE_PASSWORD_ASCII = (
    "密码请只用英文字母、数字和符号: 7-Zip 等软件打开 zip 时不接受中文密码。"
)
CLI_BUNDLE_MISSING = "以下单位没有已接收的文件,未打包({n} 个): {units}"
BUNDLE_SUMMARY_TITLE = "{campaign} 上报包汇总"
BUNDLE_SUMMARY_HEADERS = ("单位", "文件数", "行数", "有效行数")
CLI_IGNORED_FILES = "另有 {n} 个系统自动生成的文件(如 __MACOSX、Thumbs.db)已忽略。"
CLI_TABLE_HEADER = "单位 | 文件 | 状态 | 行数 | 有效 | 有误 | 重复 | 排除"
CLI_UNIT_OR_UNITS = "请指定 --unit 或 --units(二者选一)。"
CLI_NO_CORRECTIONS = "未提供与公钥匹配的私钥(--key-file),本次不生成各单位更正表;其余结果照常输出。"
CLI_MORE_ISSUES = "  …另有 {n} 条问题,详见 errors.xlsx。"
CLI_CORRECTIONS = "已为 {n} 个单位生成更正表(corrections 文件夹),请发回各单位修改后重新报送。"

# --- Failures that stop a command (exceptions with codes), rendered by the CLI -------------
FAILURES: dict[str, str] = {
    "key-exists": "密钥文件已存在,不会覆盖: {detail}",
    "key-unreadable": "无法读取密钥文件({detail}),请检查路径和文件内容。",
    "key-mismatch": "私钥与公钥不是一对({detail}),请检查 --key-file 和 --public-key。",
    "store-unusable": "数据库文件无法使用({detail}),请检查 --db 指定的文件。",
    "store-original-missing": "数据库中没有“{detail}”的原始文件(由旧版本程序接收)。请重新接收该文件后再打包。",
    "store-too-new": "数据库由更新版本的程序创建({detail}),请升级 titletemplate。",
    "exclusion-list-unreadable": "名单文件无法读取({detail}),请提供 CSV 或 xlsx 文件。",
    "exclusion-list-empty": "名单文件中没有身份证件号码({detail})。",
    "exclusion-id-precision-lost": "名单文件中的证件号码被存成了数字,后几位已丢失({detail}),请将该列设为文本后重新导出。",
    "formula-too-long": "模板公式超过 Excel 允许的 255 个字符({detail}),请精简字典内容。",
    "formula-too-deep": "模板公式嵌套层数超过 Excel 限制({detail})。",
    "formula-function-not-allowed": "模板公式使用了 Excel 2007/WPS 不支持的函数 {detail}。",
    "formula-array-constant": "模板公式含有数据验证不允许的数组常量({detail})。",
    "validation-text-too-long": "数据验证的提示文字超过 Excel 限制({detail})。",
    "vocab-list-empty": "字典中的列表为空({detail}),无法生成下拉菜单。",
    "output-file-locked": "无法写入 {detail}:该文件可能正被 Excel/WPS 打开,或没有写入权限。请关闭该文件后重试。",
    "output-path-too-long": "输出路径太长({detail},Windows 最多 259 个字符,Excel/WPS 也打不开更长路径下的文件)。请换一个路径较短的输出文件夹(如 D:\\职称汇总)。",
    "vocab-dir-missing": "字典文件夹不存在: {detail}。请检查 --vocab 或环境变量 TITLETEMPLATE_VOCAB。",
    "vocab-dir-exists": "目标文件夹中已有字典文件,不会覆盖: {detail}。如确需覆盖,请加 --force。",
    "id-pattern-unsupported": "证件类型的号码格式(正则表达式)超出模板公式能表达的范围({detail}),请简化 id_types.yaml 中的 pattern。",
    "vocab-list-wildcard": "字典中的列表含有 * ? ~ 字符({detail}),模板的公式无法准确比对,请删除这些字符。",
}

# --- CLI help (--help), by command path and option; "--opt" alone is shared by commands ------
CLI_HELP_TEXTS: dict[str, str] = {
    "titletemplate": "titletemplate: 职称证书信息采集模板的生成、回收、校验与汇总。",
    "--help": "显示本帮助并退出。",
    "--version": "显示版本号并退出。",
    "--vocab": (
        "字典文件夹。默认依次查找: 环境变量 TITLETEMPLATE_VOCAB、当前文件夹下的 vocab、程序内置字典。"
    ),
    "--key-file": "人社局的私钥文件(PEM),也可用环境变量 TITLETEMPLATE_KEY_FILE 指定;默认使用内置演示密钥。",
    "--public-key": "人社局的公钥文件(PEM),也可用环境变量 TITLETEMPLATE_PUBLIC_KEY 指定;默认使用内置演示密钥。",
    "--quiet": "安静模式: 不显示进度条和说明信息,只输出错误和警告;结果看退出码。",
    "--json": "在标准输出打印机器可读的 JSON 汇总(供脚本使用),不打印表格。",
    "vocab": "字典(vocab/*.yaml)相关命令: 检查字典、复制一份可编辑的字典。",
    "vocab check": "检查字典,一次列出全部问题(文件:行号: [代码] 说明)。",
    "vocab init": "把程序内置字典(含注释)复制到 DIRECTORY 文件夹,供本地修改后使用。",
    "vocab init --force": "覆盖目标文件夹中已有的字典文件。",
    "keygen": "生成人社局的密钥对: 私钥(仅本人可读,妥善保管)和公钥(分发给各级审核单位)。",
    "keygen --out": "密钥文件的保存文件夹。",
    "build": "为一个或全部填报单位生成加锁、签名的附件1模板。",
    "build --unit": "只为这个填报单位生成模板(单位名称)。",
    "build --unit-code": "--unit 指定单位的统一社会信用代码(可不填)。",
    "build --units": "按这个 units.yaml 为其中每个填报单位各生成一份模板,并写出清单 manifest.csv。",
    "build --out": "模板的保存文件夹(默认 build)。",
    "build --rows": "每份模板的填报行数(默认按字典 campaign.yaml)。",
    "build --issued-at": "写入模板的签发时间(ISO 格式,默认当前时间)。",
    "build --jobs": "同时使用的进程数(默认 2)。",
    "password": "显示模板 FILE 的工作表保护密码(需要私钥)。",
    "ingest": "读取各单位报送的文件(可给文件或文件夹),逐行重新校验、去重,写出汇总表、错误报告和各单位更正表。",
    "ingest --out": "结果的保存文件夹。",
    "ingest --key-file": "人社局的私钥文件(PEM),用于生成各单位更正表,须与公钥配对;也可用环境变量 TITLETEMPLATE_KEY_FILE 指定。",
    "ingest --db": "SQLite 数据库文件(默认: 结果文件夹/titletemplate.db)。",
    "ingest --revoked": "已取消职称的名单(CSV 或 xlsx),名单中的行按错误退回。",
    "ingest --ecert": "已制发职称电子证书的名单(CSV 或 xlsx),名单中的行不再上报。",
    "ingest --split-by-office": "汇总表按评审机构(任务分工)分成多个工作表。",
    "ingest --mask-ids": "报告中的证件号码打码显示(默认打码;--no-mask-ids 显示完整号码)。",
    "ingest --manifest": "build --units 生成的 manifest.csv,用于列出尚未报送的单位。",
    "ingest --level": "汇总表“填报单位名称(公章)”一栏填写的本级单位名称(默认: 字典中的人社局),便于本级签字盖章后报送上级。",
    "ingest --encrypt-output": "用这个密码把汇总表 consolidated.xlsx 加密保存(Excel/WPS 打开时要求输入密码),供报送上级;密码不会写入日志和报告。",
    "bundle": "把所选单位当前已接收的原始文件打包(附清单 manifest.csv 和一页汇总表 summary.xlsx),报送上一级;上一级用 ingest 直接读取该压缩包,每个文件凭自身签名核验。",
    "bundle --db": "本级 ingest 使用的数据库文件(如 结果文件夹/titletemplate.db)。",
    "bundle --out": "要写出的压缩包(.zip)。",
    "bundle --office": "只打包该评委会办事机构负责的文件(按 routing.yaml 任务分工,以及 units.yaml 中由其主管的单位)。",
    "bundle --supervisor": "只打包该主管部门及其所属单位的文件(按 units.yaml 的 supervisor)。",
    "bundle --unit": "只打包这些单位的文件(可多次给出)。默认打包全部单位。",
    "bundle --password": "用 AES-256 加密压缩包(7-Zip、WinRAR、Bandizip 可打开);密码请另行告知接收方。",
    "ingest --password": "压缩包或加密工作簿的密码(可多次给出,依次尝试);密码不会写入日志和报告。",
    "ingest --passwords": "密码文件: 每行一个密码,依次尝试。",
    "status": "汇总整个采集批次的进度: 各单位是否已报送、还有多少错误未解决、更正表是否已收回,写出 status.json、status.xlsx 和 status.html。",
    "status --db": "采集使用的 SQLite 数据库文件(ingest 的 --db,默认在其结果文件夹下的 titletemplate.db)。",
    "status --manifest": "build --units 生成的 manifest.csv,列出应报送的单位(默认: units.yaml 中的全部单位)。",
    "status --out": "进度文件的保存文件夹。",
    "demo": "用内置数据演示完整流程: 生成模板、模拟填报、回收校验、输出报告。",
    "demo --out": "演示结果的保存文件夹(默认 build/demo)。",
}
