package pages

// The texts of the sign-in with the browser's client certificate
// (templates/signin.html, assets/app.js), on the mutual-TLS listener.
func init() {
	addMessages(map[string][2]string{
		"signin.cert":       {"本浏览器出示证书", "This browser presents the certificate"},
		"signin.certIssuer": {"签发者：", "issued by"},
		"signin.certHelp": {"打开本页时，网关已核验此证书。登录时，页面向网关查询证书绑定的身份和角色；页面不保存任何密钥，其调用均由浏览器出示此证书。如需使用其他证书，请在持有该证书的浏览器中打开本页。",
			"The gateway verified this certificate when the page opened. Signing in asks the gateway which identity and roles it is bound to; the page keeps no key, and its calls carry the certificate as the browser presents it. To use another certificate, open the page in a browser that holds it."},
		"signin.certButton": {"使用本浏览器的证书登录", "Sign in with this browser's certificate"},
		"js.cert.detail":    {"（{msp}，证书登录；角色：{roles}）", "({msp}, by certificate; roles: {roles})"},
		"js.cert.unbound":   {"网关未将证书 {subject} 绑定到任何身份或角色。请联系本机构管理员绑定。", "The gateway binds the certificate {subject} to no identity or role. Ask your organisation's admin to bind it."},
		"js.cert.noRole":    {"证书 {subject} 以身份 {identity} 登录，但没有任何角色。请联系本机构管理员授予角色。", "The certificate {subject} acts as {identity} but holds no role. Ask your organisation's admin for one."},
		"js.cert.wrongRole": {"证书 {subject} 的角色为 {roles}；本页面需要以下角色之一：{need}。", "The certificate {subject} holds the roles {roles}; this page needs one of: {need}."},
	})
}
