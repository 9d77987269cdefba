package static_test

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"delegate/static"
)

// The focus ring reaches 3:1 (WCAG 2.2, 1.4.11) against every background
// a focused element sits on: the light pages and panels, and the header's
// brand colour (13.6).
func TestFocusRingContrast(t *testing.T) {
	css, err := static.FS.ReadFile("style.css")
	if err != nil {
		t.Fatal(err)
	}
	sheet := string(css)
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(sheet, -1) {
		vars[m[1]] = m[2]
	}
	colour := func(v string) string {
		v = strings.TrimSpace(v)
		if name, ok := strings.CutPrefix(v, "var(--"); ok {
			return vars[strings.TrimSuffix(name, ")")]
		}
		return v
	}
	rule := func(selector, prop string) string {
		m := regexp.MustCompile(regexp.QuoteMeta(selector) + `\s*\{[^}]*?` + prop + `:\s*([^;}]+)`).FindStringSubmatch(sheet)
		if m == nil {
			t.Fatalf("no %s in %s", prop, selector)
		}
		return m[1]
	}
	ring := colour(strings.Fields(rule("\n:focus-visible", "outline"))[2])
	header := colour(rule("header.site :focus-visible", "outline-color"))
	for _, bg := range []string{vars["paper"], vars["panel"], "#e9f1f2", "#f4f1ea", "#fdecea", "#fff7e0"} {
		if r := contrast(ring, bg); r < 3 {
			t.Errorf("focus ring %s on %s: %.2f:1, under 3:1", ring, bg, r)
		}
	}
	if r := contrast(header, vars["brand"]); r < 3 {
		t.Errorf("focus ring %s on the header's %s: %.2f:1", header, vars["brand"], r)
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	if hex == "#fff" {
		hex = "#ffffff"
	}
	var c [3]float64
	for i := range c {
		n, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		v := float64(n) / 255
		if v <= 0.03928 {
			c[i] = v / 12.92
		} else {
			c[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
