package browsertest

import (
	_ "embed"
	"fmt"
	"strings"
)

// axeSource is axe-core (npm axe-core 4.14.1, MPL-2.0, vendor/).
//
//go:embed vendor/axe.min.js
var axeSource string

// Violation is an accessibility rule a page breaks, as axe-core reports it.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"` // each element's selector and what fails
}

// axeRun runs axe-core on the document against WCAG 2.1 A and AA and its
// best practices, and answers the violations of serious or critical impact.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
  .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))`

// CheckAccessibility runs axe-core on the page as it is and fails the test
// on any serious or critical violation; it returns the page's minor and
// moderate ones only through the test log.
func (b *Browser) CheckAccessibility() {
	b.t.Helper()
	if !Eval[bool](b, `typeof axe === 'object'`) {
		Eval[bool](b, axeSource+"\n;true")
	}
	vs := Eval[[]Violation](b, axeRun)
	if len(vs) == 0 {
		return
	}
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprintf("%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    ")))
	}
	b.Fatalf("accessibility: %d serious or critical violations:\n%s", len(vs), strings.Join(out, "\n"))
}
