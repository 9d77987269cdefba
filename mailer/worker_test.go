package mailer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"delegate/clock"
	"delegate/handlers"
	"delegate/mailer"
	"delegate/mailer/smtptest"
	"delegate/store"
)

func openStore(t testing.TB) *store.DB {
	t.Helper()
	db, _ := openStoreAt(t)
	return db
}

// openStoreAt opens a store on a clock of its own, which the store and the
// worker read and the test moves.
func openStoreAt(t testing.TB) (*store.DB, *clock.Manual) {
	t.Helper()
	c, err := mailer.NewComposer("https://iclc.example.org")
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.At(time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC))
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "m.db"),
		store.Options{Secret: bytes.Repeat([]byte{3}, 32), Composer: c, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, clk
}

func register(t testing.TB, db *store.DB, email, lang string) store.Registration {
	t.Helper()
	r, err := db.CreateRegistration(context.Background(), store.System, store.Details{
		GivenNames: "Nguyễn Thị", FamilyName: "Hương", Email: email, Organisation: "Sở Giáo dục Hà Nội",
		JobTitle: "Education Officer", Country: "VN", Category: "member_state", Language: lang, ConsentPrivacy: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func worker(t testing.TB, db *store.DB, url string) *mailer.Worker {
	t.Helper()
	s, err := mailer.NewSMTP(url, "ICLC 2015 Secretariat <noreply@iclc.example.org>")
	if err != nil {
		t.Fatal(err)
	}
	return &mailer.Worker{DB: db, Sender: s, Domain: "iclc.example.org", Poll: 50 * time.Millisecond,
		BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
}

// parts reads a multipart/alternative message into its parts by type.
func parts(t *testing.T, m smtptest.Message) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Mail.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", m.Mail.Header.Get("Content-Type"))
	}
	out := map[string]string{}
	r := multipart.NewReader(m.Mail.Body, params["boundary"])
	for {
		p, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(b)
	}
	return out
}

func decodeHeader(t *testing.T, m smtptest.Message, name string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(m.Mail.Header.Get(name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDeliveryOverSMTP(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	db := openStore(t)
	ctx := context.Background()
	r := register(t, db, "huong@example.vn", "es")
	w := worker(t, db, srv.URL())
	sent, err := w.Drain(ctx)
	if err != nil || sent != 1 {
		t.Fatalf("drain: %d sent, %v", sent, err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server got %d messages", len(got))
	}
	m := got[0]
	if m.To[0] != "huong@example.vn" || m.From != "noreply@iclc.example.org" {
		t.Errorf("envelope from %s to %v", m.From, m.To)
	}
	subject := decodeHeader(t, m, "Subject")
	if !strings.Contains(subject, "hemos recibido su inscripción "+r.Reference) {
		t.Errorf("subject %q", subject)
	}
	if to := decodeHeader(t, m, "To"); to != "Nguyễn Thị Hương <huong@example.vn>" {
		t.Errorf("To %q", to)
	}
	if m.Mail.Header.Get("Content-Language") != "es" {
		t.Errorf("Content-Language %q", m.Mail.Header.Get("Content-Language"))
	}
	msgs, _ := db.FindOutbox(ctx, store.OutboxFilter{})
	wantID := fmt.Sprintf("<outbox.%d.%d@iclc.example.org>", msgs[0].ID, msgs[0].CreatedAt.Unix())
	if m.Mail.Header.Get("Message-Id") != wantID {
		t.Errorf("Message-ID %q, want %q", m.Mail.Header.Get("Message-Id"), wantID)
	}
	p := parts(t, m)
	link := "https://iclc.example.org/r/" + r.ManageToken
	if !strings.Contains(p["text/plain"], "Estimado/a Nguyễn Thị Hương:") || !strings.Contains(p["text/plain"], link) {
		t.Errorf("text part:\n%s", p["text/plain"])
	}
	if !strings.Contains(p["text/html"], `href="`+link+`"`) || !strings.Contains(p["text/html"], `lang="es"`) {
		t.Errorf("HTML part lacks the link or the language")
	}
	if msgs[0].Status != store.OutboxSent || msgs[0].Attempts != 1 || msgs[0].SentAt == nil {
		t.Errorf("outbox row after sending: %+v", msgs[0].Status)
	}
}

func TestTemporaryFailuresAreRetried(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	db, clk := openStoreAt(t)
	ctx := context.Background()
	register(t, db, "retry@example.vn", "en")
	srv.Refuse(451, 451)
	w := worker(t, db, srv.URL())
	for attempt := 1; attempt <= 3; attempt++ {
		if attempt > 1 {
			if sent, _ := w.Drain(ctx); sent != 0 {
				t.Fatalf("try %d went before its back-off was over", attempt)
			}
		}
		clk.Advance(w.MaxDelay * 2) // past the back-off
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		msgs, _ := db.FindOutbox(ctx, store.OutboxFilter{})
		m := msgs[0]
		if m.Attempts != attempt {
			t.Fatalf("after try %d: %d attempts recorded", attempt, m.Attempts)
		}
		want := store.OutboxQueued
		if attempt == 3 {
			want = store.OutboxSent
		}
		if m.Status != want {
			t.Errorf("after try %d: status %s, want %s (%s)", attempt, m.Status, want, m.LastError)
		}
		if attempt < 3 && !strings.Contains(m.LastError, "451") {
			t.Errorf("last error %q does not keep the server's answer", m.LastError)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server got %d messages, want 1", n)
	}
}

func TestPermanentFailureThenResend(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	db, clk := openStoreAt(t)
	ctx := context.Background()
	register(t, db, "unknown@example.vn", "fr")
	srv.Refuse(550)
	w := worker(t, db, srv.URL())
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	failed, _ := db.FindOutbox(ctx, store.OutboxFilter{Status: store.OutboxFailed})
	if len(failed) != 1 || !strings.Contains(failed[0].LastError, "550") {
		t.Fatalf("after a 550: %d failed: %+v", len(failed), failed)
	}
	clk.Advance(time.Hour)
	if sent, _ := w.Drain(ctx); sent != 0 {
		t.Fatal("a failed message was sent again without a resend")
	}
	if n, err := db.Resend(ctx, store.System, failed[0].ID); err != nil || n != 1 {
		t.Fatalf("resend: %d, %v", n, err)
	}
	if sent, _ := w.Drain(ctx); sent != 1 || len(srv.Messages()) != 1 {
		t.Errorf("after resend: %d sent, server has %d", sent, len(srv.Messages()))
	}
}

func TestHeadersCannotBeInjected(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	s, err := mailer.NewSMTP(srv.URL(), "ICLC 2015 <noreply@iclc.example.org>")
	if err != nil {
		t.Fatal(err)
	}
	errs := s.Send(context.Background(), []mailer.Outgoing{{
		MessageID: "x.1@iclc.example.org", To: "victim@example.org", ToName: "Ελένη\r\nBcc: evil@example.org",
		Language: "en", Email: store.Email{Subject: "Héllo\r\nBcc: evil@example.org", Text: "body", HTML: "<p>body</p>"},
	}})
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	m := srv.Messages()[0]
	if len(m.To) != 1 || m.Mail.Header.Get("Bcc") != "" || strings.Contains(strings.ToLower(string(m.Raw)), "\nbcc:") {
		t.Errorf("a header was injected: recipients %v\n%s", m.To, m.Raw)
	}
	if got := decodeHeader(t, m, "Subject"); got != "Héllo Bcc: evil@example.org" {
		t.Errorf("subject %q", got)
	}
	if raw := m.Mail.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") {
		t.Errorf("non-ASCII subject not encoded: %q", raw)
	}
	if err := store.ValidateTexts(map[string]store.MessageText{
		"en": {Subject: "Hi\r\nBcc: x@example.org", Body: "b"}, "es": {Subject: "s", Body: "b"}, "fr": {Subject: "s", Body: "b"},
	}); err == nil {
		t.Error("a subject with a line break was accepted")
	}
}

// TestOutageLosesNothing registers delegates while the mail server is
// down: the web answers at once, and when the server comes back every
// message arrives exactly once.
func TestOutageLosesNothing(t *testing.T) {
	t.Parallel()
	db, clk := openStoreAt(t)
	// a free port with nothing listening yet
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	w := worker(t, db, "smtp://"+addr+"?tls=none")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	defer func() { cancel(); <-done }()

	h, err := handlers.New(handlers.Deps{DB: db, BaseURL: "https://iclc.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var slowest time.Duration
	for i := range n {
		body := fmt.Sprintf(`{"given_names":"Ана","family_name":"Коваленко","email":"d%d@example.ua","organisation":"Kyiv","job_title":"Officer","country":"UA","category":"member_state","consent_privacy":true}`, i)
		req := httptest.NewRequest("POST", "/api/v1/registrations", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		slowest = max(slowest, time.Since(start))
		if rec.Code != http.StatusCreated {
			t.Fatalf("registration %d: %d", i, rec.Code)
		}
	}
	if slowest > 250*time.Millisecond {
		t.Errorf("slowest registration took %s while the mail server was down", slowest)
	}
	// the worker tries each message and fails
	waitFor(t, "every message tried once", func() bool {
		msgs, _ := db.FindOutbox(context.Background(), store.OutboxFilter{})
		for _, m := range msgs {
			if m.Attempts == 0 {
				return false
			}
		}
		return len(msgs) == n
	})
	counts, _ := db.OutboxCounts(context.Background(), 0)
	if counts[store.OutboxSent] != 0 || counts[store.OutboxQueued] != n {
		t.Fatalf("while down: %v", counts)
	}

	srv := smtptest.Listen(t, addr)
	defer srv.Close()
	clk.Advance(time.Hour) // past every back-off: the next poll sends
	// once every row is marked sent nothing more can go: a duplicate
	// would have reached the server before its row was marked
	waitFor(t, "every message sent", func() bool {
		counts, _ := db.OutboxCounts(context.Background(), 0)
		return counts[store.OutboxSent] == n
	})
	got := srv.Messages()
	ids := map[string]bool{}
	for _, m := range got {
		ids[m.Mail.Header.Get("Message-Id")] = true
	}
	if len(got) != n || len(ids) != n {
		t.Errorf("after the outage: %d messages with %d distinct ids, want %d of each", len(got), len(ids), n)
	}
	counts, _ = db.OutboxCounts(context.Background(), 0)
	if counts[store.OutboxSent] != n {
		t.Errorf("outbox after the outage: %v", counts)
	}
}

// waitFor polls cond until it holds, for at most ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkWorker sends queued messages to a local SMTP server.
func BenchmarkWorker(b *testing.B) {
	srv := smtptest.Start(b)
	db := openStore(b)
	for i := range b.N {
		register(b, db, fmt.Sprintf("bench%d@example.vn", i), []string{"en", "es", "fr"}[i%3])
	}
	w := worker(b, db, srv.URL())
	b.ResetTimer()
	start := time.Now()
	sent, err := w.Drain(context.Background())
	elapsed := time.Since(start)
	if err != nil || sent != b.N {
		b.Fatalf("%d of %d sent: %v", sent, b.N, err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}

// The approval carries the delegate's calendar of the conference, an
// iCalendar file in their language (13.5); other messages carry nothing.
func TestApprovalCarriesTheCalendar(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	db := openStore(t)
	ctx := context.Background()
	r := register(t, db, "huong@example.vn", "fr")
	if _, err := db.ApproveRegistration(ctx, store.System, r.Reference); err != nil {
		t.Fatal(err)
	}
	if sent, err := worker(t, db, srv.URL()).Drain(ctx); err != nil || sent != 2 {
		t.Fatalf("drain: %d sent, %v", sent, err)
	}
	files := map[string]map[string]string{} // by subject: attachment name → content
	for _, m := range srv.Messages() {
		files[decodeHeader(t, m, "Subject")] = attachments(t, m.Mail.Header.Get("Content-Type"), m.Mail.Body)
	}
	var approval, received map[string]string
	for subject, f := range files {
		if strings.Contains(subject, "approuvée") {
			approval = f
		} else {
			received = f
		}
	}
	ics := strings.ReplaceAll(approval["conference.ics"], "\r\n ", "") // unfolded
	if !strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n") || !strings.Contains(ics, "DTSTART;VALUE=DATE:20150928\r\n") ||
		!strings.Contains(ics, "SUMMARY;LANGUAGE=fr:Deuxième Conférence internationale sur les villes apprenantes") {
		t.Errorf("the approval's calendar (of %v):\n%s", files, ics)
	}
	if len(received) != 0 {
		t.Errorf("the acknowledgement carries files: %v", received)
	}
}

// attachments walks a MIME body and returns its attachments by file name.
func attachments(t *testing.T, contentType string, body io.Reader) map[string]string {
	t.Helper()
	out := map[string]string{}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return out
	}
	r := multipart.NewReader(body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if name := p.FileName(); name != "" {
			data, _ := io.ReadAll(p)
			if p.Header.Get("Content-Transfer-Encoding") == "base64" {
				data, _ = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), ""))
			}
			out[name] = string(data)
			continue
		}
		maps.Copy(out, attachments(t, p.Header.Get("Content-Type"), p))
	}
}
