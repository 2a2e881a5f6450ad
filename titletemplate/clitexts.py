"""What the command line says: result lines, summaries, help texts, the vocabulary
commands' lines, and the synthetic people of `titletemplate demo`."""

from __future__ import annotations

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
CLI_IGNORED_FILES = "另有 {n} 个系统自动生成的文件(如 __MACOSX、Thumbs.db)已忽略。"
CLI_TABLE_HEADER = "单位 | 文件 | 状态 | 行数 | 有效 | 有误 | 重复 | 排除"
CLI_UNIT_OR_UNITS = "请指定 --unit 或 --units(二者选一)。"
CLI_NO_CORRECTIONS = "未提供与公钥匹配的私钥(--key-file),本次不生成各单位更正表;其余结果照常输出。"
CLI_MORE_ISSUES = "  …另有 {n} 条问题,详见 errors.xlsx。"
CLI_CORRECTIONS = "已为 {n} 个单位生成更正表(corrections 文件夹),请发回各单位修改后重新报送。"
# Campaign status and the demo's rounds (cliout.py)
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

# --- Vocabulary commands (vocab check, vocab init, the vocabulary in use) --------------------
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
