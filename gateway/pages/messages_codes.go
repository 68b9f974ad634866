package pages

// What every page says of the API's common error codes (api and
// api/record), in Chinese, then English: a Chinese page shows its own
// words for a code where the gateway's message is English (app.js reason).
func init() {
	addMessages(map[string][2]string{
		"js.code.UNAUTHENTICATED":        {"未登录或密钥无效。", "Not signed in, or the key is not valid."},
		"js.code.FORBIDDEN":              {"您登录的身份无权进行此操作。", "The identity you signed in with may not do this."},
		"js.code.CROSS_ORIGIN":           {"网关拒绝了来自其他网站的请求。", "The gateway refused a request from another site."},
		"js.code.NOT_FOUND":              {"未找到所请求的记录或路径。", "No such record or path."},
		"js.code.INVALID_ARGUMENT":       {"请求内容不被接受，请检查填写的内容。", "The request was not accepted; check what was entered."},
		"js.code.BAD_REQUEST":            {"请求格式有误。", "The request is malformed."},
		"js.code.TOO_LARGE":              {"请求或查询的范围过大。", "The request or the range asked for is too large."},
		"js.code.CONFLICT":               {"此交易未能提交，账本未改变，请重试。", "The transaction did not commit and the ledger is unchanged; try again."},
		"js.code.ENDORSEMENT_FAILED":     {"各组织的节点未能背书此交易，账本未改变。", "The organisations' peers could not endorse the transaction; the ledger is unchanged."},
		"js.code.UNAVAILABLE":            {"账本暂时无法访问，请稍后重试。", "The ledger cannot be reached now; try again later."},
		"js.code.STORAGE_FULL":           {"网关的存储空间已满，请联系运维人员。", "The gateway's storage is full; tell its operator."},
		"js.code.METHOD_NOT_ALLOWED":     {"接口不接受此方法。", "The API does not take this method here."},
		"js.code.UNSUPPORTED_MEDIA_TYPE": {"接口不接受此内容类型。", "The API does not take this content type."},
		"js.code.INTERNAL":               {"网关内部出错，请联系运维人员。", "The gateway failed inside; tell its operator."},
	})
}
