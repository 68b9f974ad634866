package pages

import (
	"net/http"

	"golang.org/x/text/language"
)

// LangCookie remembers the language chosen with ?lang= for a year.
const LangCookie = "wanledger_lang"

// langs are the pages' languages; the first is the default.
var (
	langs   = []string{"zh", "en"}
	matcher = language.NewMatcher([]language.Tag{language.Chinese, language.English})
)

// chooseLang is the language of a request: ?lang=zh|en (then remembered
// in LangCookie), else the cookie's, else the best match of
// Accept-Language (if it names Chinese or English), else Chinese. Other
// values are ignored.
func chooseLang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); known(l) {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil && known(c.Value) {
		return c.Value
	}
	accept := r.Header.Get("Accept-Language")
	if len(accept) > 256 { // a long header is not parsed
		return langs[0]
	}
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return langs[0]
	}
	if _, i, conf := matcher.Match(tags...); conf != language.No {
		return langs[i]
	}
	return langs[0]
}

func known(l string) bool { return l == "zh" || l == "en" }
