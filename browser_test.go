package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdpwebauthn "github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"delegate/testtool"
)

// chromium finds a Chromium to drive. Without one the test skips on a
// laptop and fails in CI, where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	return testtool.Command(t, "apt-get install chromium", "chromium", "chromium-browser", "google-chrome")
}

// newBrowser starts a headless Chromium that speaks lang, for a walk of
// at most 90 seconds.
func newBrowser(t *testing.T, lang string) context.Context {
	t.Helper()
	return newBrowserFor(t, lang, 90*time.Second)
}

// newBrowserFor is newBrowser for a walk of at most budget.
func newBrowserFor(t *testing.T, lang string, budget time.Duration) context.Context {
	t.Helper()
	exe := chromium(t)
	// Chromium may still write its profile while it exits: remove it after,
	// best effort, rather than through t.TempDir, which fails on leftovers.
	profile, err := os.MkdirTemp("", "delegate-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", lang),
		// a camera that shows a test pattern, allowed without asking
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(420, 900), // a phone
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, budget)
	t.Cleanup(func() {
		chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTimeout()
		cancel()
		cancelAlloc()
		os.RemoveAll(profile)
	})
	if err = chromedp.Run(ctx, network.Enable(),
		network.SetExtraHTTPHeaders(network.Headers{"Accept-Language": lang + ",en;q=0.5"})); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// fill types each value into the field with that id: fill("#a", "x", "#b", "y").
func fill(kv ...string) chromedp.Tasks {
	var t chromedp.Tasks
	for i := 0; i+1 < len(kv); i += 2 {
		t = append(t, chromedp.SendKeys(kv[i], kv[i+1], chromedp.ByQuery))
	}
	return t
}

// choose sets each select or date field to its value.
func choose(kv ...string) chromedp.Tasks {
	var t chromedp.Tasks
	for i := 0; i+1 < len(kv); i += 2 {
		t = append(t, chromedp.SetValue(kv[i], kv[i+1], chromedp.ByQuery))
	}
	return t
}

// authenticator gives the browser a virtual passkey authenticator, as a
// laptop's with a fingerprint reader.
func authenticator(id *cdpwebauthn.AuthenticatorID) chromedp.Action {
	return chromedp.Tasks{cdpwebauthn.Enable(), chromedp.ActionFunc(func(ctx context.Context) error {
		got, err := cdpwebauthn.AddVirtualAuthenticator(&cdpwebauthn.VirtualAuthenticatorOptions{
			Protocol: cdpwebauthn.AuthenticatorProtocolCtap2, Transport: cdpwebauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}).Do(ctx)
		if id != nil {
			*id = got
		}
		return err
	})}
}

func visible(sel string, out *bool) chromedp.Action {
	return chromedp.Evaluate(`(() => { const e = document.querySelector("`+sel+`"); return !!e && e.offsetParent !== null })()`, out)
}

// TestRegisterInFrenchInABrowser walks the first journey: a deputy mayor
// registers in French on a phone, mistypes her passport expiry, reads the
// message at that field with the rest of the form kept, fixes it and lands
// on her private page.
func TestRegisterInFrenchInABrowser(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t, "fr")
	base, stop := startServer(t, map[string]string{"DELEGATE_DB": filepath.Join(t.TempDir(), "b.db")})
	defer stop()

	var heading, errText, given, family, url, focused, summary string
	var lettersBefore, lettersAfter, gnlcBefore, gnlcAfter bool
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Click(`a.button.primary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#given_names`, chromedp.ByQuery),
		visible("#passport_number", &lettersBefore),
		visible("#gnlc", &gnlcBefore),
		chromedp.SetValue(`#title`, "H.E.", chromedp.ByQuery),
		fill(`#given_names`, "Ndèye Aminata", `#family_name`, "Diop", `#email`, "aminata.diop@example.sn",
			`#organisation`, "Ville de Dakar", `#job_title`, "Adjointe au maire"),
		choose(`#country`, "SN", `#category`, "mayor"),
		visible("#gnlc", &gnlcAfter),
		chromedp.SetValue(`#gnlc`, "interested", chromedp.ByQuery),
		chromedp.Click(`#invitation_letter`, chromedp.ByQuery),
		visible("#passport_number", &lettersAfter),
		fill(`#passport_family_name`, "DIOP", `#passport_given_names`, "NDEYE AMINATA", `#passport_number`, "A01234567"),
		choose(`#nationality`, "SN", `#passport_expiry`, "2016-02-15", `#date_of_birth`, "1972-04-04"),
		chromedp.Click(`#consent_privacy`, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#passport_expiry-error`, chromedp.ByQuery),
		chromedp.Text(`#passport_expiry-error`, &errText, chromedp.ByQuery),
		chromedp.Evaluate(`document.activeElement.id`, &focused),
		chromedp.Text(`#form-errors`, &summary, chromedp.ByQuery),
		chromedp.Value(`#given_names`, &given, chromedp.ByQuery),
		chromedp.Value(`#family_name`, &family, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("first submission: %v", err)
	}
	if !strings.Contains(heading, "villes apprenantes") {
		t.Errorf("home page heading %q is not French", heading)
	}
	if lettersBefore || !lettersAfter {
		t.Errorf("passport fields visible before asking: %v, after: %v", lettersBefore, lettersAfter)
	}
	if gnlcBefore || !gnlcAfter {
		t.Errorf("GNLC question visible before choosing mayor: %v, after: %v", gnlcBefore, gnlcAfter)
	}
	if !strings.Contains(errText, "30 mars 2016") {
		t.Errorf("message at the passport expiry: %q", errText)
	}
	if focused != "form-errors" || !strings.Contains(summary, "Date d'expiration du passeport : ") {
		t.Errorf("focus on #%s; the summary: %q", focused, summary)
	}
	if given != "Ndèye Aminata" || family != "Diop" {
		t.Errorf("the form lost what was typed: %q %q", given, family)
	}

	var status, reference string
	err = chromedp.Run(ctx,
		chromedp.SetValue(`#passport_expiry`, "2019-05-31", chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.status .big`, chromedp.ByQuery),
		chromedp.Text(`.status .big`, &status, chromedp.ByQuery),
		chromedp.Text(`.details code`, &reference, chromedp.ByQuery),
		chromedp.Location(&url),
	)
	if err != nil {
		t.Fatalf("second submission: %v", err)
	}
	if status != "En attente d'approbation" || !strings.HasPrefix(reference, "ICLC-") || !strings.Contains(url, "/r/") {
		t.Errorf("private page: status %q, reference %q, at %s", status, reference, url)
	}
}

// TestOrganiserInABrowser creates the first admin through the setup link,
// lists the pending registrations matching "jose", ticks both and approves
// them at once, as organisers would.
func TestOrganiserInABrowser(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t, "en")
	dbPath := filepath.Join(t.TempDir(), "o.db")
	base, stop := startServerWithOutput(t, map[string]string{"DELEGATE_DB": dbPath})
	defer stop.stop()
	setup := base + stop.setupPath(t)
	for i, name := range []string{"José", "Josefa", "Ana"} {
		body := `{"given_names":"` + name + `","family_name":"Núñez","email":"n` + string(rune('a'+i)) + `@example.mx","organisation":"Ciudad de México",` +
			`"job_title":"Officer","country":"MX","category":"member_state","consent_privacy":true}`
		resp, err := http.Post(base+"/api/v1/registrations", "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("register %s: %v %v", name, err, resp.Status)
		}
		resp.Body.Close()
	}
	var heading, count, flash string
	err := chromedp.Run(ctx,
		chromedp.Navigate(setup),
		firstAdmin,
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
		chromedp.Navigate(base+"/admin/registrations?status=pending&q=jose"),
		chromedp.WaitVisible(`.count`, chromedp.ByQuery),
		chromedp.Text(`.count`, &count, chromedp.ByQuery),
		chromedp.Click(`tbody tr:nth-child(1) input[name=ref]`, chromedp.ByQuery),
		chromedp.Click(`tbody tr:nth-child(2) input[name=ref]`, chromedp.ByQuery),
		chromedp.Click(`button[value=approve]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice.ok`, chromedp.ByQuery),
		chromedp.Text(`.notice.ok`, &flash, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("organiser in the browser: %v", err)
	}
	if heading != "Dashboard" || count != "(2)" || !strings.Contains(flash, "2 approved") {
		t.Errorf("heading %q, search count %q, flash %q", heading, count, flash)
	}
}

// firstAdmin fills in the first-start page open in the browser.
var firstAdmin = chromedp.Tasks{
	chromedp.SendKeys(`#email`, "admin@uil.example", chromedp.ByQuery),
	chromedp.SendKeys(`#password`, "correct horse battery staple", chromedp.ByQuery),
	chromedp.SendKeys(`#confirm`, "correct horse battery staple", chromedp.ByQuery),
	chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
	chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
}

// signOutAndIn signs the first admin out and gives their password again.
var signOutAndIn = chromedp.Tasks{
	chromedp.Click(`form[action="/admin/logout"] button`, chromedp.ByQuery),
	chromedp.WaitVisible(`#password`, chromedp.ByQuery),
	chromedp.SendKeys(`#email`, "admin@uil.example", chromedp.ByQuery),
	chromedp.SendKeys(`#password`, "correct horse battery staple", chromedp.ByQuery),
	chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
}

// TestSecondFactorInABrowser: an organiser enrols an authenticator app in
// Chromium, signs out, and signs in again with the password and a code.
func TestSecondFactorInABrowser(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t, "en")
	db := filepath.Join(t.TempDir(), "2fa.db")
	base, stop := startServerWithOutput(t, map[string]string{"DELEGATE_DB": db})
	defer stop.stop()
	setup := base + stop.setupPath(t)
	var secret, recovery, heading, afterPassword string
	err := chromedp.Run(ctx,
		chromedp.Navigate(setup),
		firstAdmin,
		chromedp.Navigate(base+"/admin/account"),
		chromedp.Click(`form[action="/admin/account/2fa/start"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`svg`, chromedp.ByQuery),
		chromedp.Text(`p.hint code`, &secret, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("enrolment page: %v", err)
	}
	code, _ := totp.GenerateCode(strings.TrimSpace(secret), time.Now())
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`#code`, code, chromedp.ByQuery),
		chromedp.Click(`form[action="/admin/account/2fa"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`code.secret`, chromedp.ByQuery),
		chromedp.Text(`code.secret`, &recovery, chromedp.ByQuery),
		signOutAndIn,
		chromedp.WaitVisible(`#code`, chromedp.ByQuery),
		chromedp.Location(&afterPassword),
	)
	if err != nil {
		t.Fatalf("enrol and sign in again: %v", err)
	}
	code, _ = totp.GenerateCode(strings.TrimSpace(secret), time.Now())
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`#code`, code, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("the code step: %v", err)
	}
	if !strings.Contains(afterPassword, "/admin/login/code") || heading != "Dashboard" || len(strings.TrimSpace(recovery)) != 10 {
		t.Errorf("after the password at %q, then %q; recovery code %q", afterPassword, heading, recovery)
	}
	// the phone is lost: a recovery code signs in once; the setting makes
	// a second factor obligatory; `delegate user reset-2fa` ends the
	// session, and the password then leads to enrolment before anything
	var afterRecovery, afterReset, required string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/admin/settings"),
		chromedp.Click(`#second_factor_required`, chromedp.ByQuery),
		chromedp.Submit(`#second_factor_required`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash, .notice`, chromedp.ByQuery),
		signOutAndIn,
		chromedp.WaitVisible(`#code`, chromedp.ByQuery),
		chromedp.SendKeys(`#code`, strings.TrimSpace(recovery), chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		chromedp.Location(&afterRecovery),
	)
	if err != nil || !strings.HasSuffix(afterRecovery, "/admin") {
		t.Fatalf("a recovery code: at %q, %v", afterRecovery, err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"user", "reset-2fa", "--email", "admin@uil.example"},
		environment(map[string]string{"DELEGATE_DB": db}), nil, &out, &out); err != nil {
		t.Fatalf("reset-2fa: %v\n%s", err, out.String())
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/admin/registrations"),
		chromedp.WaitVisible(`#password`, chromedp.ByQuery),
		chromedp.Location(&afterReset),
		chromedp.SendKeys(`#email`, "admin@uil.example", chromedp.ByQuery),
		chromedp.SendKeys(`#password`, "correct horse battery staple", chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action="/admin/account/2fa/start"]`, chromedp.ByQuery),
		chromedp.Text(`.alert`, &required, chromedp.ByQuery),
	)
	if err != nil || !strings.Contains(afterReset, "/admin/login") || !strings.Contains(required, "obligatory") {
		t.Errorf("after the reset: at %q, then %q, %v", afterReset, required, err)
	}
}

// TestPasskeyInABrowser: an organiser adds a passkey in Chromium (its
// virtual authenticator standing for a laptop's), signs out, and signs in
// again with the password and the passkey; the server kept the sign count
// the authenticator reports.
func TestPasskeyInABrowser(t *testing.T) {
	t.Parallel()
	ctx := newBrowser(t, "en")
	// a passkey belongs to a domain: the browser must reach the server as
	// localhost, the address the server was told is its own
	port := freePort(t)
	base, stop := startServerWithOutput(t, map[string]string{"DELEGATE_DB": filepath.Join(t.TempDir(), "passkey.db"),
		"DELEGATE_ADDR": "127.0.0.1:" + port, "DELEGATE_BASE_URL": "http://localhost:" + port})
	defer stop.stop()
	base = strings.Replace(base, "127.0.0.1", "localhost", 1)
	var laptop cdpwebauthn.AuthenticatorID
	err := chromedp.Run(ctx, authenticator(&laptop))
	if err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
	var name, recovery, codePage, heading string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+stop.setupPath(t)),
		firstAdmin,
		chromedp.Navigate(base+"/admin/account"),
		chromedp.SendKeys(`#name`, "Office laptop", chromedp.ByQuery),
		chromedp.Click(`form[data-passkey] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`td.passkey-name`, chromedp.ByQuery),
		chromedp.Text(`td.passkey-name`, &name, chromedp.ByQuery),
		chromedp.Text(`code.secret`, &recovery, chromedp.ByQuery),
		signOutAndIn,
		chromedp.WaitVisible(`#use-passkey`, chromedp.ByQuery),
		chromedp.Location(&codePage),
		chromedp.Click(`#use-passkey`, chromedp.ByQuery),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("add a passkey and sign in with it: %v", err)
	}
	if name != "Office laptop" || len(strings.TrimSpace(recovery)) != 10 {
		t.Errorf("passkey listed as %q; recovery code %q", name, recovery)
	}
	if !strings.Contains(codePage, "/admin/login/code") || heading != "Dashboard" {
		t.Errorf("after the password at %q, after the passkey %q", codePage, heading)
	}
	var creds []*cdpwebauthn.Credential
	err = chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		creds, err = cdpwebauthn.GetCredentials(laptop).Do(ctx)
		return err
	}))
	if err != nil || len(creds) != 1 || creds[0].RpID != "localhost" {
		t.Fatalf("credentials in the authenticator: %v %+v", err, creds)
	}
	// the used date is on the account page now
	var used string
	err = chromedp.Run(ctx, chromedp.Navigate(base+"/admin/account"),
		chromedp.Text(`td.passkey-name + td + td`, &used, chromedp.ByQuery))
	if err != nil || strings.TrimSpace(used) == "–" {
		t.Errorf("last used: %q, %v", used, err)
	}
}

// freePort is a TCP port free on this machine a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}
