package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"delegate/clock"
	"delegate/mailer"
	"delegate/store"
	"delegate/webhook"
)

// received is what a receiver got.
type received struct {
	event, delivery string
	body            []byte
	signed          bool
}

// TestDeliveriesSignedAndRetried: a receiver fails twice, then answers
// 200; the delivery is tried three times with the same id, each time
// signed over the time and the body, never with passport data, and its
// answers are kept.
func TestDeliveriesSignedAndRetried(t *testing.T) {
	t.Parallel()
	composer, err := mailer.NewComposer("https://iclc.example.org")
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.At(time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC))
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"),
		store.Options{Secret: bytes.Repeat([]byte{7}, 32), Composer: composer, Now: clk.Now, PrivateWebhooks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	var mu sync.Mutex
	var got []received
	var secret string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, received{r.Header.Get("Delegate-Event"), r.Header.Get("Delegate-Delivery"), body,
			webhook.Verify([]byte(secret), r.Header.Get(webhook.SignatureHeader), body, clk.Now(), 5*time.Minute)})
		if len(got) <= 2 {
			http.Error(w, "the receiver is down for maintenance", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("thanks"))
	}))
	defer srv.Close()

	if _, _, err := db.CreateWebhook(ctx, store.System, "ftp://example.org/x", nil); err == nil {
		t.Error("an ftp address and no events were taken")
	}
	hook, s, err := db.CreateWebhook(ctx, store.System, srv.URL+"/delegate", []string{store.HookCheckedIn, store.HookCreated})
	if err != nil {
		t.Fatal(err)
	}
	secret = s
	r, err := db.CreateRegistration(ctx, store.System, store.Details{GivenNames: "Ana", FamilyName: "Lima", Email: "ana@example.br",
		Organisation: "Prefeitura de Curitiba", JobTitle: "Secretária", Country: "BR", Category: "member_state", Language: "es",
		InvitationLetter: true, Nationality: "BR", PassportNumber: "FX123987", PassportExpiry: "2019-01-31", DateOfBirth: "1970-02-03",
		PassportFamilyName: "LIMA", PassportGivenNames: "ANA", ConsentPrivacy: true})
	if err != nil {
		t.Fatal(err)
	}
	w := &webhook.Worker{DB: db, BaseDelay: time.Minute, MaxDelay: time.Hour, AllowPrivate: true} // the receiver is on 127.0.0.1
	for i := range 3 {
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			list, _ := db.HookDeliveries(ctx, 10)
			if len(list) != 1 || list[0].Status != store.OutboxQueued || list[0].AnswerStatus != 503 ||
				!strings.Contains(list[0].Answer, "down for maintenance") {
				t.Fatalf("after failure %d: %+v", i+1, list)
			}
			if n, _ := w.Drain(ctx); n != 0 {
				t.Fatal("tried again before its back-off")
			}
			clk.Advance(2 * time.Hour)
		}
	}
	list, _ := db.HookDeliveries(ctx, 10)
	if len(list) != 1 || list[0].Status != store.OutboxSent || list[0].Attempts != 3 || list[0].AnswerStatus != 200 ||
		list[0].EndpointID != hook.ID || list[0].DeliveredAt == nil {
		t.Fatalf("the delivery: %+v", list)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("the receiver got %d requests", len(got))
	}
	for i, g := range got {
		if !g.signed || g.event != store.HookCreated || g.delivery != got[0].delivery || !bytes.Contains(g.body, []byte(r.Reference)) {
			t.Errorf("request %d: %+v %s", i, g, g.body)
		}
		for _, secret := range []string{"FX123987", "1970-02-03", "passport", "token"} {
			if bytes.Contains(g.body, []byte(secret)) {
				t.Errorf("the delivery carries %q: %s", secret, g.body)
			}
		}
	}
	if webhook.Verify([]byte("another secret"), webhook.Sign([]byte(secret), clk.Now(), got[0].body), got[0].body, clk.Now(), time.Minute) {
		t.Error("a signature verifies with the wrong secret")
	}
	if webhook.Verify([]byte(secret), webhook.Sign([]byte(secret), clk.Now().Add(-time.Hour), got[0].body), got[0].body, clk.Now(), 5*time.Minute) {
		t.Error("an hour-old signature verifies")
	}
}

// TestWebhooksReachOnlyPublicAddresses: an endpoint written as a private
// address or localhost is refused at its field; one whose name resolves
// to this machine is refused when the worker connects (the receiver hears
// nothing, and the error says why), unless private webhooks are allowed.
func TestWebhooksReachOnlyPublicAddresses(t *testing.T) {
	t.Parallel()
	composer, err := mailer.NewComposer("https://iclc.example.org")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	open := func(private bool) *store.DB {
		db, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"), store.Options{Secret: bytes.Repeat([]byte{7}, 32), Composer: composer,
			Now: clock.At(time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC)).Now, PrivateWebhooks: private})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db := open(false)
	for _, u := range []string{"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook", "https://10.0.4.2/hook",
		"http://169.254.169.254/latest/meta-data", "http://192.168.1.20/crm", "http://100.64.0.9/", "http://0.0.0.0:9/", "http://[::ffff:127.0.0.1]/"} {
		_, _, err := db.CreateWebhook(ctx, store.System, u, []string{store.HookCreated})
		var ve *store.ValidationError
		if !errors.As(err, &ve) || ve.Fields["url"].Key != "error.webhook_private" {
			t.Errorf("%s: %v, want refused as private", u, err)
		}
	}
	if _, _, err := db.CreateWebhook(ctx, store.System, "https://crm.example.org/hooks", []string{store.HookCreated}); err != nil {
		t.Errorf("a public address: %v", err)
	}

	var heard atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { heard.Add(1) }))
	defer srv.Close()
	// the endpoint is taken by a store that allows it, as one written
	// with a public name that DNS later answers with this machine would be
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, private := range []bool{false, true} {
		db := open(true)
		if _, _, err := db.CreateWebhook(ctx, store.System, "http://localhost:"+port+"/hook", []string{store.HookCreated}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateRegistration(ctx, store.System, store.Details{GivenNames: "Ana", FamilyName: "Lima", Email: "ana@example.br",
			Organisation: "Prefeitura de Curitiba", JobTitle: "Secretária", Country: "BR", Category: "member_state", Language: "es",
			ConsentPrivacy: true}); err != nil {
			t.Fatal(err)
		}
		w := &webhook.Worker{DB: db, AllowPrivate: private}
		if _, err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		list, _ := db.HookDeliveries(ctx, 10)
		switch {
		case len(list) != 1:
			t.Fatalf("%d deliveries", len(list))
		case !private && (heard.Load() != 0 || list[0].Status == store.OutboxSent || !strings.Contains(list[0].LastError, "is a private address")):
			t.Errorf("a name resolving to this machine: heard %d, %+v", heard.Load(), list[0])
		case private && (heard.Load() != 1 || list[0].Status != store.OutboxSent):
			t.Errorf("with private webhooks allowed: heard %d, %+v", heard.Load(), list[0])
		}
	}
}
