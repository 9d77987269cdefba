package main

// The dashboard and the focal point's pages, walked in Chromium.

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"delegate/mailer/smtptest"
)

// TestDashboardInABrowser: the dashboard lines up with its header and
// footer, nothing overflows on a 390 px phone, the chart by day has a
// scale and its numbers, and "update now" brings new numbers in without
// reloading the page (13.11).
func TestDashboardInABrowser(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t, "en")
	base, rs := startServerWithOutput(t, map[string]string{"DELEGATE_DB": filepath.Join(t.TempDir(), "dash.db")})
	defer rs.stop()
	register := func(i int) {
		t.Helper()
		body := `{"given_names":"Ana","family_name":"Ríos ` + string(rune('A'+i)) + `","email":"rios` + string(rune('a'+i)) + `@example.cl",` +
			`"organisation":"Municipalidad de Santiago","job_title":"Officer","country":"CL","category":"member_state","consent_privacy":true}`
		resp, err := http.Post(base+"/api/v1/registrations", "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("register: %v %v", err, resp.Status)
		}
		resp.Body.Close()
	}
	for i := range 3 {
		register(i)
	}
	var edges []float64
	var overflow bool
	var scaleTop, summary, before, after string
	var stayed bool
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+rs.setupPath(t)),
		firstAdmin,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/admin"),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		chromedp.Evaluate(`["header.site .wrap", "nav.admin .wrap", "main", "footer.site .wrap"].map(s => {
			const r = document.querySelector(s).getBoundingClientRect(); return Math.round(r.left) })`, &edges),
		chromedp.EmulateViewport(390, 844),
		chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow),
		chromedp.Text(`.chart .scale span`, &scaleTop, chromedp.ByQuery),
		chromedp.Text(`.chart .hint`, &summary, chromedp.ByQuery),
		chromedp.Text(`.cards .card:nth-child(2) .num`, &before, chromedp.ByQuery),
		chromedp.Evaluate(`window.stayed = true`, nil),
	)
	if err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	register(3)
	err = chromedp.Run(ctx,
		chromedp.Click(`[data-live-now]`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector(".cards .card:nth-child(2) .num").textContent.trim() === "4"`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Text(`.cards .card:nth-child(2) .num`, &after, chromedp.ByQuery),
		chromedp.Evaluate(`window.stayed === true`, &stayed),
	)
	if err != nil {
		t.Fatalf("update now: %v (before %q)", err, before)
	}
	if len(edges) != 4 || edges[0] != edges[1] || edges[1] != edges[2] || edges[2] != edges[3] {
		t.Errorf("left edges of header, menu, main and footer: %v", edges)
	}
	if overflow {
		t.Error("the dashboard overflows a 390 px screen")
	}
	if scaleTop != "3" || !strings.Contains(summary, "3 in all") {
		t.Errorf("the chart by day: scale %q, summary %q", scaleTop, summary)
	}
	if before != "3" || after != "4" || !stayed {
		t.Errorf("to review %q then %q; the page stayed: %v", before, after, stayed)
	}
}

// registerOverAPI registers the JSON body through the public API and
// returns the reference and the private page's path.
func registerOverAPI(t *testing.T, base, body string) (reference, private string) {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/registrations", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	defer resp.Body.Close()
	var reg struct {
		Reference string
		ManageURL string `json:"manage_url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reg); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d %v", resp.StatusCode, err)
	}
	return reg.Reference, "/r/" + reg.ManageURL[strings.LastIndex(reg.ManageURL, "/r/")+3:]
}

// TestFocalPointInABrowser walks it as a focal point: an organiser makes
// the delegation, the focal point follows the sign-in link from the email,
// nominates two members, marks the head and substitutes one (14).
func TestFocalPointInABrowser(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t, "fr")
	mail := smtptest.Start(t)
	base, rs := startServerWithOutput(t, map[string]string{"DELEGATE_DB": filepath.Join(t.TempDir(), "focal.db"),
		"DELEGATE_SMTP_URL": mail.URL(), "DELEGATE_MAIL_FROM": "ICLC 2015 <iclc@example.org>"})
	defer rs.stop()
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+rs.setupPath(t)), firstAdmin,
		chromedp.Navigate(base+"/admin/delegations?lang=fr"),
		chromedp.SendKeys(`#name`, "Sénégal — Commission nationale pour l'UNESCO", chromedp.ByQuery),
		chromedp.SetValue(`#kind`, "member_state", chromedp.ByQuery),
		chromedp.SetValue(`#country`, "SN", chromedp.ByQuery),
		chromedp.SetValue(`#quota`, "3", chromedp.ByQuery),
		chromedp.SendKeys(`#focal_points`, "natcom@example.sn", chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/delegations"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice.ok`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("organiser makes the delegation: %v", err)
	}
	var link string
	for _, m := range mail.Wait(1, 15*time.Second) {
		// quoted-printable: soft line breaks out, "=3D" back to "="
		raw := strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(string(m.Raw))
		if i := strings.Index(raw, "/focal/auth?token="); i >= 0 && link == "" {
			link = base + strings.Fields(raw[i:])[0]
		}
	}
	if link == "" {
		t.Fatal("no sign-in link arrived")
	}
	member := func(given, family, email string) chromedp.Tasks {
		return chromedp.Tasks{
			chromedp.Click(`a[href$="/members/new"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#given_names`, chromedp.ByQuery),
			chromedp.SendKeys(`#given_names`, given, chromedp.ByQuery),
			chromedp.SendKeys(`#family_name`, family, chromedp.ByQuery),
			chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
			chromedp.SendKeys(`#organisation`, "Commission nationale", chromedp.ByQuery),
			chromedp.SendKeys(`#job_title`, "Conseiller", chromedp.ByQuery),
			chromedp.SetValue(`#country`, "SN", chromedp.ByQuery),
			chromedp.SetValue(`#category`, "member_state", chromedp.ByQuery),
			chromedp.Click(`#consent_privacy`, chromedp.ByQuery),
			chromedp.Click(`form.form button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.notice.ok`, chromedp.ByQuery),
		}
	}
	note := filepath.Join(t.TempDir(), "note-verbale.pdf")
	if err := os.WriteFile(note, []byte("%PDF-1.4\n% Note verbale No. 15/2015\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var places, head, after, noted string
	err = chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`h1`, chromedp.ByQuery),
		member("Fatou", "Sow", "sow@example.sn"),
		member("Mamadou", "Fall", "fall@example.sn"),
		chromedp.SetUploadFiles(`#note_verbale`, []string{note}, chromedp.ByQuery),
		chromedp.Click(`form[action$="/note"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href$="/note"]`, chromedp.ByQuery),
		chromedp.Text(`.notice.ok`, &noted, chromedp.ByQuery),
		chromedp.Click(`tbody tr:nth-child(2) input[name=head]`, chromedp.ByQuery), // Sow, by name after Fall
		chromedp.Click(`tbody tr:nth-child(2) form[action$="/role"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`tbody tr:nth-child(1) input[name=head]:checked`, chromedp.ByQuery),
		chromedp.Text(`tbody tr:nth-child(1) td:first-child`, &head, chromedp.ByQuery),
		chromedp.Click(`tbody tr:nth-child(2) a[href$="/substitute"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#given_names`, chromedp.ByQuery),
		chromedp.SendKeys(`#given_names`, "Awa", chromedp.ByQuery),
		chromedp.SendKeys(`#family_name`, "Ndiaye", chromedp.ByQuery),
		chromedp.SendKeys(`#email`, "ndiaye@example.sn", chromedp.ByQuery),
		chromedp.SendKeys(`#organisation`, "Commission nationale", chromedp.ByQuery),
		chromedp.SendKeys(`#job_title`, "Conseillère", chromedp.ByQuery),
		chromedp.SetValue(`#country`, "SN", chromedp.ByQuery),
		chromedp.Click(`#consent_privacy`, chromedp.ByQuery),
		chromedp.Click(`form.form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.s-cancelled`, chromedp.ByQuery),
		chromedp.Text(`main`, &after, chromedp.ByQuery),
		chromedp.Text(`main p strong`, &places, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("focal point: %v", err)
	}
	if !strings.Contains(head, "Sow") {
		t.Errorf("the head is not first: %q", head)
	}
	if noted == "" {
		t.Error("no word that the note verbale was received")
	}
	if !strings.Contains(after, "Ndiaye") || !strings.Contains(after, "prend la place de") || !strings.Contains(places, "2 places prises sur 3") {
		t.Errorf("after the substitution: places %q\n%s", places, after)
	}
}
