"""What a finding or a failure says, in Chinese: the issue message and the sheet's short hint
for every catalogue code, the vocabulary checker's messages and the failures that stop a
command. Workbook texts live in sheettexts.py, command-line texts in clitexts.py."""

from __future__ import annotations

from collections.abc import Mapping

# --- Sheet hints: the locked self-check column's short text per rule code ----------------
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
    "correction-not-written": "更正表“{file}”未能写出({detail})。其他单位的更正表不受影响;排除原因后重新运行 ingest,会再次生成这份更正表。",
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


# The {detail} of duplicate-* messages (batch.py, correction.py).
SOURCE_LOCATION = "{unit} {file} 第 {row} 行"

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
