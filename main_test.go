package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"delegate/mailer/smtptest"
	"delegate/store"
)

// environment is a getenv over a map.
func environment(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startServer runs `delegate serve` on a free port and returns its address
// and a function that stops it and returns what run returned.
func startServer(t testing.TB, vars map[string]string) (string, func() error) {
	t.Helper()
	base, rs := startServerWithOutput(t, vars)
	return base, rs.stop
}

func TestServeAndShutDownGracefully(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "delegate.db")
	base, stop := startServer(t, map[string]string{"DELEGATE_DB": dbPath})

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	body, _ := json.Marshal(map[string]any{"given_names": "Ελένη", "family_name": "Παπαδοπούλου",
		"email": "eleni@example.gr", "organisation": "Ministry of Education", "job_title": "Counsellor",
		"country": "GR", "category": "member_state", "consent_privacy": true})
	resp, err = http.Post(base+"/api/v1/registrations", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("run returned %v after shutdown, want nil", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
	info, err := os.Stat(dbPath + ".key")
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, mode %v, want 0600", err, info.Mode().Perm())
	}

	// a restart reads the same key and finds the registration
	ctx := context.Background()
	key, _ := os.ReadFile(dbPath + ".key")
	var cfg config
	cfg.dbPath = dbPath
	db, err := cfg.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, total, err := db.FindRegistrations(ctx, store.Filter{Q: "ελένη"})
	if err != nil || total != 1 || list[0].FamilyName != "Παπαδοπούλου" {
		t.Errorf("after restart: %v, %d found (key %d bytes)", err, total, len(key))
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	vars := map[string]string{"DELEGATE_DB": filepath.Join(dir, "cmd.db"),
		"DELEGATE_SECRET": strings.Repeat("ab", 32)}
	ctx := context.Background()
	call := func(stdin string, args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, args, environment(vars), strings.NewReader(stdin), &out, &errOut)
		return out.String(), errOut.String(), err
	}

	if _, _, err := call("correct horse battery staple\n", "user", "add", "--email", "admin@uil.example", "--role", "admin"); err != nil {
		t.Fatalf("user add: %v", err)
	}
	if _, _, err := call("short\n", "user", "add", "--email", "x@uil.example", "--role", "admin"); err == nil ||
		!strings.Contains(err.Error(), "at least 12 characters") {
		t.Errorf("short password: got %v", err)
	}
	if _, _, err := call("long enough password\n", "user", "add", "--email", "x@uil.example", "--role", "king"); err == nil {
		t.Error("unknown role accepted")
	}

	out, errOut, err := call("", "token", "create", "--name", "exports", "--role", "viewer")
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	token := strings.TrimSpace(out)
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, "dlg_") || !strings.Contains(errOut, "shown once") {
		t.Errorf("token create printed %q on stdout and %q on stderr", out, errOut)
	}

	if _, errOut, err := call("", "demo", "--registrations", "120", "--seed", "7"); err != nil {
		t.Fatalf("demo: %v %s", err, errOut)
	}
	if _, _, err := call("", "purge-passports"); err == nil || !strings.Contains(err.Error(), "--after DAYS") {
		t.Errorf("purge without a retention: %v", err)
	}
	// the demo's letters were asked for in 2015's conference: long past
	if _, errOut, err := call("", "purge-passports", "--after", "30"); err != nil || !strings.Contains(errOut, "erased the passport data of") {
		t.Errorf("purge: %v %s", err, errOut)
	}
	// retention: every rule off in the seeded settings, the passport data gone already
	if out, _, err := call("", "purge", "--dry-run"); err != nil || !strings.Contains(out, "passport   off (kept)") ||
		!strings.Contains(out, "inactive   off (kept)") {
		t.Errorf("purge --dry-run: %v\n%s", err, out)
	}
	if _, _, err := call("", "backup", filepath.Join(dir, "copy.db")); err != nil {
		t.Fatalf("backup: %v", err)
	}

	// the backup is a whole database: the token works against it
	vars["DELEGATE_DB"] = filepath.Join(dir, "copy.db")
	base, stop := startServer(t, vars)
	defer stop()
	req, _ := http.NewRequest("GET", base+"/api/v1/stats", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st store.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || resp.StatusCode != 200 {
		t.Fatalf("stats: %d %v", resp.StatusCode, err)
	}
	if st.Total != 120 || st.Countries < 15 || len(st.ByCategory) < 8 || st.LettersRequested == 0 {
		t.Errorf("demo data: %d registrations, %d countries, %d categories, %d letters", st.Total, st.Countries, len(st.ByCategory), st.LettersRequested)
	}
	for _, status := range []string{"pending", "approved", "rejected", "cancelled"} {
		if st.ByStatus[status] == 0 {
			t.Errorf("demo made no %s registration: %v", status, st.ByStatus)
		}
	}
	if _, _, err := call("", "frobnicate"); err == nil {
		t.Error("unknown command accepted")
	}
	if _, _, err := call("", "serve", "-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "x.db"), "-nope"); err == nil {
		t.Error("unknown flag accepted")
	}
	vars["DELEGATE_SECRET"] = "too short"
	if _, _, err := call("", "token", "create", "--name", "x"); err == nil || !strings.Contains(err.Error(), "32 bytes") {
		t.Errorf("bad secret: got %v", err)
	}
}

// TestMailLeavesThroughSMTP runs the whole server with a mail server: a
// registration's confirmation arrives over SMTP, in the delegate's
// language, with the private link that works.
func TestMailLeavesThroughSMTP(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	base, stop := startServer(t, map[string]string{"DELEGATE_DB": filepath.Join(t.TempDir(), "m.db"),
		"DELEGATE_SMTP_URL": smtp.URL(), "DELEGATE_MAIL_FROM": "ICLC 2015 <iclc@example.org>"})
	defer stop()
	body, _ := json.Marshal(map[string]any{"given_names": "Олена", "family_name": "Шевченко",
		"email": "olena@example.ua", "organisation": "Kyiv City Council", "job_title": "Deputy Mayor",
		"country": "UA", "category": "member_state", "language": "fr", "consent_privacy": true})
	resp, err := http.Post(base+"/api/v1/registrations", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		Reference string `json:"reference"`
		ManageURL string `json:"manage_url"`
	}
	json.NewDecoder(resp.Body).Decode(&reg)
	resp.Body.Close()
	got := smtp.Wait(1, 10*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(got))
	}
	raw := string(got[0].Raw)
	if got[0].To[0] != "olena@example.ua" || !strings.Contains(raw, reg.Reference) {
		t.Errorf("message to %v lacks the reference %s", got[0].To, reg.Reference)
	}
	token := reg.ManageURL[strings.LastIndex(reg.ManageURL, "/")+1:]
	if !strings.Contains(strings.ReplaceAll(raw, "=\r\n", ""), token) {
		t.Error("the message lacks the private link")
	}
	if got[0].Mail.Header.Get("Content-Language") != "fr" {
		t.Errorf("language %q", got[0].Mail.Header.Get("Content-Language"))
	}
}

// runningServer is a server started by startServerWithOutput.
type runningServer struct {
	stop func() error
	mu   sync.Mutex
	out  []string
}

// setupPath is the path of the first-start link the server printed.
func (s *runningServer) setupPath(t testing.TB) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.out {
		if i := strings.Index(l, "/admin/setup?token="); i >= 0 {
			return l[i:]
		}
	}
	t.Fatalf("no setup link in %q", s.out)
	return ""
}

// startServerWithOutput is startServer that keeps what the server printed
// on stdout.
func startServerWithOutput(t testing.TB, vars map[string]string) (string, *runningServer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	rs := &runningServer{}
	done := make(chan error, 1)
	addr := "127.0.0.1:0" // a free port, unless the test chose one
	if a := vars["DELEGATE_ADDR"]; a != "" {
		addr = a
	}
	go func() {
		done <- run(ctx, []string{"serve", "-addr", addr}, environment(vars), nil, pw, io.Discard)
		pw.Close()
	}()
	served := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			rs.mu.Lock()
			rs.out = append(rs.out, lines.Text())
			rs.mu.Unlock()
			if m := regexp.MustCompile(`serving (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
				served <- m[1]
			}
		}
	}()
	rs.stop = func() error { cancel(); return <-done }
	select {
	case a := <-served:
		return a, rs
	case err := <-done:
		cancel()
		t.Fatalf("server stopped: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("server did not start")
	}
	return "", nil
}

// TestStripeWithoutWebhookSecretRefusesToStart: an event signed with an
// empty secret would mark fees paid, so the server does not start so.
func TestStripeWithoutWebhookSecretRefusesToStart(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"DELEGATE_DB": filepath.Join(t.TempDir(), "s.db"), "DELEGATE_SECRET": strings.Repeat("ab", 32),
		"STRIPE_SECRET_KEY": "sk_test_123"}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0"}, func(k string) string { return vars[k] },
		strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "STRIPE_WEBHOOK_SECRET") {
		t.Errorf("start with a Stripe key and no webhook secret: %v, want a refusal naming STRIPE_WEBHOOK_SECRET", err)
	}
}
