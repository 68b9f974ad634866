package pages

import "strings"

// messages are the pages' texts by key: Chinese, then English. Keys under
// "js." are the scripts' (handed to them in the body's data-messages). Each
// page's own texts are in its messages_<page>.go, added by addMessages.
var messages = map[string][2]string{
	"site":            {"wanledger 网关", "wanledger gateway"},
	"skip":            {"跳到主要内容", "Skip to main content"},
	"lang.label":      {"语言", "Language"},
	"index.title":     {"页面", "Pages"},
	"index.intro":     {"本网关为使用者提供的页面。页面不需要密钥即可打开；页面调用接口时使用您登录的 API 密钥。", "The pages this gateway serves to the people who use it. A page opens without a key; the API calls it makes carry the API key you sign in with."},
	"index.api":       {"接口说明（OpenAPI）：", "The API's description (OpenAPI):"},
	"verify.title":    {"核验电子证照", "Verify a licence"},
	"verify.summary":  {"扫描或粘贴持证人出示的证照，查看核验结论、每项检查及其原因、所披露的字段。", "Scan or paste a holder's presentation: the verdict, each check and its reason, the fields disclosed."},
	"signin.title":    {"登录", "Sign in"},
	"signin.key":      {"API 密钥", "API key"},
	"signin.help":     {"您所在机构签发的密钥（wl_…）。它只保存在本标签页中，关闭即清除。", "A key of your organisation (wl_…). It is kept in this tab only, and gone when the tab closes."},
	"signin.button":   {"登录", "Sign in"},
	"session.label":   {"会话", "Session"},
	"session.as":      {"已登录身份：", "Signed in as"},
	"session.signout": {"退出", "Sign out"},
	"nonce.title":     {"第一步：请持证人扫描此码", "1. The holder scans this code"},
	"nonce.help":      {"持证人的钱包据此一次性随机数为本核验方制作出示内容。", "The holder's wallet makes a presentation to this verifier for this single-use nonce."},
	"nonce.qr":        {"一次性随机数及核验方名称的二维码", "QR code of the single-use nonce and this verifier's name"},
	"nonce.value":     {"随机数：", "Nonce:"},
	"nonce.audience":  {"核验方：", "Verifier:"},
	"nonce.expires":   {"有效期至：", "Expires:"},
	"nonce.new":       {"换一个随机数", "New nonce"},
	"present.title":   {"第二步：读取持证人的出示内容", "2. Read the holder's presentation"},
	"present.purpose": {"核验事由", "Purpose"},
	"present.none":    {"（不说明）", "(none given)"},
	"present.text":    {"出示内容", "Presentation"},
	"present.help":    {"粘贴文本，上传文本文件或二维码图片，或用摄像头扫描。", "Paste the text, upload a text file or a picture of its QR code, or scan it with the camera."},
	"present.file":    {"上传文件（文本或二维码图片）", "Upload a file (text, or a picture of the QR code)"},
	"present.verify":  {"核验", "Verify"},
	"scan.start":      {"用摄像头扫描", "Scan with the camera"},
	"scan.stop":       {"停止扫描", "Stop scanning"},
	"scan.video":      {"摄像头画面", "Camera view"},

	"js.valid":                               {"有效", "VALID"},
	"js.invalid":                             {"无效", "NOT VALID"},
	"js.refused":                             {"拒绝", "REFUSED"},
	"js.checks":                              {"检查项", "Checks"},
	"js.passed":                              {"通过", "passed"},
	"js.failed":                              {"未通过", "failed"},
	"js.disclosed":                           {"披露的字段", "Disclosed fields"},
	"js.field":                               {"字段", "Field"},
	"js.value":                               {"值", "Value"},
	"js.noneDisclosed":                       {"未披露任何字段。", "No field disclosed."},
	"js.facts":                               {"核验依据", "Basis of the verdict"},
	"js.licence":                             {"证照编号", "Licence"},
	"js.status":                              {"证照状态", "Licence status"},
	"js.holder":                              {"持证人", "Holder"},
	"js.holderBound":                         {"已证明出示者持有该证照的密钥", "the presenter holds the licence's key"},
	"js.blockHeight":                         {"区块高度", "Block height"},
	"js.source":                              {"来源", "Source"},
	"js.staleness":                           {"缓存时效", "Cache"},
	"js.fresh":                               {"最新", "current"},
	"js.stale":                               {"已过时，结论无效", "stale: the verdict is not valid"},
	"js.at":                                  {"核验时间", "Judged at"},
	"js.relayed":                             {"跨链转来", "Relayed from"},
	"js.relayedDetail":                       {"来源通道 {channel}，区块 {block}，转送延迟 {lag} 秒", "source channel {channel}, block {block}, relay lag {lag} s"},
	"js.code":                                {"代码", "Code"},
	"js.signingIn":                           {"正在登录…", "Signing in…"},
	"js.badKey":                              {"密钥无效，请重新输入。", "The API key is not valid; enter it again."},
	"js.noKey":                               {"请输入 API 密钥。", "Enter an API key."},
	"js.network":                             {"无法连接网关。", "The gateway cannot be reached."},
	"js.empty":                               {"请先提供出示内容。", "Give a presentation first."},
	"js.verifying":                           {"正在核验…", "Verifying…"},
	"js.scanning":                            {"正在扫描，请将二维码对准摄像头。", "Scanning: hold the QR code to the camera."},
	"js.scanned":                             {"已读取二维码。", "QR code read."},
	"js.noCamera":                            {"无法使用摄像头：", "The camera cannot be used:"},
	"js.insecure":                            {"摄像头只能在 HTTPS 或本机地址的页面中使用；请粘贴或上传。", "a camera works only on a page over HTTPS or at a local address; paste or upload instead."},
	"js.noQR":                                {"图片中没有找到二维码。", "No QR code found in the picture."},
	"js.fileRead":                            {"已读取文件。", "File read."},
	"js.refusal.NONCE_USED":                  {"此随机数已用过：这是一次重放。请持证人为新的随机数重新出示。", "The nonce was used before: a replay. The holder presents again, to the new nonce."},
	"js.refusal.NONCE_EXPIRED":               {"随机数已过期。请持证人为新的随机数重新出示。", "The nonce has expired. The holder presents again, to the new nonce."},
	"js.refusal.NONCE_UNKNOWN":               {"不是本网关签发的随机数（或网关已重启）。", "Not a nonce this gateway issued (or it has restarted since)."},
	"js.refusal.NONCE_MISMATCH":              {"出示内容是为另一个随机数制作的。", "The presentation was made for another nonce."},
	"js.refusal.AUDIENCE_MISMATCH":           {"出示内容是为另一个核验方制作的。", "The presentation was made for another verifier."},
	"js.refusal.KEY_BINDING_SD_HASH":         {"出示内容在持证人签名后被改动过。", "The presentation was altered after the holder signed it."},
	"js.refusal.SIGNATURE_INVALID":           {"持证人签名无效：出示者不持有该证照的密钥，或内容被改动。", "The holder's signature does not verify: the presenter does not hold the licence's key, or it was altered."},
	"js.refusal.DISCLOSURE_DIGEST":           {"披露的字段值与证照不符。", "A disclosed value does not match the licence."},
	"js.refusal.TIME_EXPIRED":                {"出示内容制作时间过早。", "The presentation was made too long ago."},
	"js.refusal.TIME_IN_FUTURE":              {"出示内容的制作时间在未来。", "The presentation is dated in the future."},
	"js.refusal.NOT_FOUND":                   {"账本上没有此证照。", "The ledger has no such licence."},
	"js.refusal.LICENCE_MISMATCH":            {"账本上的证照不是出示内容所指的证照。", "The ledger's licence is not the one the presentation names."},
	"js.refusal.HOLDER_KEY_INVALID":          {"证照记载的持证人公钥无效。", "The licence's holder key is not valid."},
	"js.refusal.DISCLOSURE_UNKNOWN":          {"出示内容披露了证照没有的字段。", "The presentation discloses a field the licence does not have."},
	"js.refusal.NONCE_NOT_ISSUED_TO_CALLER":  {"此随机数是为另一个密钥的身份签发的，未被使用。", "The nonce was issued to another API key's identity; it is left unused."},
	"js.refusal.NONCE_CAPACITY":              {"网关暂存的随机数已满，请稍后再试。", "The gateway holds too many nonces now; try again shortly."},
	"js.refusal.malformed":                   {"出示内容格式有误，无法读取（可能扫描或粘贴不完整）。请持证人重新出示。", "The presentation is malformed and cannot be read (perhaps scanned or pasted in part). The holder presents again."},
	"js.status.active":                       {"有效", "active"},
	"js.status.suspended":                    {"已暂停", "suspended"},
	"js.status.revoked":                      {"已撤销", "revoked"},
	"js.status.expired":                      {"已过期", "expired"},
	"js.source.cache":                        {"网关缓存", "the gateway's cache"},
	"js.source.ledger":                       {"账本", "the ledger"},
	"js.check.licence-found":                 {"证照存在", "licence found"},
	"js.check.issuer-accredited-at-issuance": {"签发时发证机关已获授权", "issuer accredited at issuance"},
	"js.check.seal-valid":                    {"电子印章有效", "seal valid"},
	"js.check.status-active":                 {"证照状态为有效", "status active"},
	"js.check.within-validity":               {"在有效期内", "within validity"},
	"js.check.disclosed-fields-match":        {"披露字段与摘要一致", "disclosed fields match"},
	"js.check.cache-current":                 {"缓存为最新", "cache current"},
}

// addMessages adds a page's texts to messages; a key given twice is a
// mistake of the source, caught by every test of the package.
func addMessages(m map[string][2]string) {
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("pages: message " + k + " defined twice")
		}
		messages[k] = v
	}
}

// message is a text in lang (zh or en); an unknown key is itself.
func message(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}

// scriptMessages are the "js." messages in lang, without the prefix.
func scriptMessages(lang string) map[string]string {
	out := map[string]string{}
	for k := range messages {
		if rest, ok := strings.CutPrefix(k, "js."); ok {
			out[rest] = message(lang, k)
		}
	}
	return out
}
