package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"delegate/testtool"
)

// axeSource finds axe-core's script, which .ci/run installs from npm.
// Without it the test skips on a laptop and fails in CI.
func axeSource(t *testing.T) string {
	t.Helper()
	var candidates []string
	if p := os.Getenv("DELEGATE_AXE"); p != "" {
		candidates = append(candidates, p)
	}
	if out, err := exec.Command("npm", "root", "-g").Output(); err == nil {
		candidates = append(candidates, filepath.Join(strings.TrimSpace(string(out)), "axe-core", "axe.min.js"))
	}
	for _, p := range candidates {
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	testtool.Missing(t, "axe-core", "npm install -g axe-core@4")
	return ""
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// axeRun injects axe-core into the page open in the browser and returns
// what it finds against WCAG 2.2 A and AA.
func axeRun(src string, out *[]axeViolation) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := chromedp.Evaluate(src, nil).Do(ctx); err != nil {
			return err
		}
		var raw json.RawMessage
		err := chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
			.then(r => JSON.stringify(r.violations))`, &raw,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }).Do(ctx)
		if err != nil {
			return err
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		return json.Unmarshal([]byte(s), out)
	})
}

// TestEveryPageWithAxe runs axe-core over every public and admin page in
// the three languages, with a phone's width, error states included, and
// fails on any violation.
func TestEveryPageWithAxe(t *testing.T) {
	t.Parallel()
	src := axeSource(t)
	ctx := newBrowserFor(t, "en", 4*time.Minute) // some 110 pages, each read by axe
	db := filepath.Join(t.TempDir(), "axe.db")
	if err := run(context.Background(), []string{"demo", "--db", db, "--registrations", "40", "--seed", "7"},
		func(string) string { return "" }, nil, os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
	base, rs := startServerWithOutput(t, map[string]string{"DELEGATE_DB": db})
	defer rs.stop()
	body := `{"given_names":"Amara","family_name":"Okonkwo","email":"amara@example.ng","organisation":"Lagos State",` +
		`"job_title":"Director","country":"NG","category":"member_state","consent_privacy":true}`
	reference, private := registerOverAPI(t, base, body)
	ref := "/admin/registrations/" + reference

	var message string
	if err := chromedp.Run(ctx, chromedp.Navigate(base+rs.setupPath(t)), firstAdmin,
		chromedp.Navigate(base+"/admin/mail"),
		chromedp.AttributeValue(`table a[href^="/admin/mail/"]`, "href", &message, nil, chromedp.ByQuery)); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	pages := []string{"/", "/register", "/focal/login", "/delegations/request", "/link", "/privacy", "/verify", "/nowhere", private, private + "/edit", private + "/cancel",
		"/admin", "/admin/registrations", "/admin/registrations?q=amara", ref, ref + "/edit", ref + "/as-delegate",
		"/admin/mail", message, "/admin/messages/new", "/admin/letters", "/admin/certificates", "/admin/reports",
		"/admin/badges", "/admin/checkin?q=okonkwo", "/admin/settings", "/admin/settings/places", "/admin/settings/money", "/admin/finance/statement", "/admin/finance", "/admin/codes",
		"/admin/users", "/admin/tokens", "/admin/audit", "/admin/account", "/admin/delegations", "/admin/participants", "/admin/messages/new?preset=gnlc"}
	check := func(name string, actions ...chromedp.Action) {
		t.Helper()
		var found []axeViolation
		if err := chromedp.Run(ctx, append(actions, axeRun(src, &found))...); err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		for _, v := range found {
			var where []string
			for _, n := range v.Nodes {
				b, _ := json.Marshal(n.Target)
				where = append(where, string(b))
			}
			t.Errorf("%s: %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(where, " "))
		}
	}
	for _, lang := range []string{"en", "es", "fr"} {
		for _, p := range pages {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			check(lang+" "+p, chromedp.Navigate(base+p+sep+"lang="+lang), chromedp.WaitReady("body", chromedp.ByQuery))
		}
		// error states: the form sent empty, the settings with a bad number
		check(lang+" /register with errors", chromedp.Navigate(base+"/register?lang="+lang),
			chromedp.Click(`form.form button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`#form-errors`, chromedp.ByQuery))
		check(lang+" /admin/settings with errors", chromedp.Navigate(base+"/admin/settings?lang="+lang),
			chromedp.SetValue(`#capacity`, "-5", chromedp.ByQuery), chromedp.Click(`form.settings button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.alert`, chromedp.ByQuery))
	}
}
