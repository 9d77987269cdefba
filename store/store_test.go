package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"delegate/clock"
	"delegate/store"
)

func TestCreateRegistrationStatusFeeAndMessage(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	tests := []struct {
		name, category, lang  string
		wantStatus, wantKind  string
		wantFee               int64
		wantPayment, wantSubj string
	}{
		{"needs approval", "member_state", "es", store.StatusPending, store.MailReceived, 0, store.PaymentNotRequired, "hemos recibido su inscripción"},
		{"no approval needed", "speaker", "fr", store.StatusApproved, store.MailApproved, 0, store.PaymentNotRequired, "est approuvée"},
		{"early-bird fee", "city_official", "en", store.StatusPending, store.MailReceived, 10000, store.PaymentUnpaid, "we have received your registration"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := details(fmt.Sprintf("p%d@example.org", i))
			d.Category, d.Language = tt.category, tt.lang
			r, err := db.CreateRegistration(ctx, store.System, d)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if r.Status != tt.wantStatus || r.PaymentStatus != tt.wantPayment || r.Fee.Amount != tt.wantFee {
				t.Errorf("got %s/%s/%d, want %s/%s/%d", r.Status, r.PaymentStatus, r.Fee.Amount, tt.wantStatus, tt.wantPayment, tt.wantFee)
			}
			if !strings.HasPrefix(r.Reference, "ICLC-") || len(r.Reference) != 11 {
				t.Errorf("reference %q is not ICLC-XXXXXX", r.Reference)
			}
			msgs := outbox(t, db, r)
			if len(msgs) != 1 {
				t.Fatalf("got %d outbox rows, want 1", len(msgs))
			}
			m := msgs[0]
			if m.Kind != tt.wantKind || m.Language != tt.lang || m.To != d.Email || m.Status != "queued" {
				t.Errorf("outbox row %+v", m)
			}
			if !strings.Contains(m.Subject, tt.wantSubj) || !strings.Contains(m.Subject, r.Reference) {
				t.Errorf("subject %q lacks %q and the reference", m.Subject, tt.wantSubj)
			}
			if strings.Contains(m.Text+m.HTML, r.ManageToken) {
				t.Error("the stored message holds the private link's secret")
			}
			e, err := db.Deliverable(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			link := "https://iclc.example.org/r/" + r.ManageToken
			if !strings.Contains(e.Text, link) || !strings.Contains(e.HTML, link) {
				t.Errorf("delivered message lacks the private link %s", link)
			}
			if !strings.Contains(m.Text, "José Núñez") {
				t.Errorf("text does not greet the delegate by name:\n%s", m.Text)
			}
		})
	}
}

func TestFeeAfterEarlyBirdDeadline(t *testing.T) {
	t.Parallel()
	db, _ := mustOpenAt(t, time.Date(2015, 8, 1, 12, 0, 0, 0, time.UTC))
	d := details("late@example.org")
	d.Category = "city_official"
	r, err := db.CreateRegistration(context.Background(), store.System, d)
	if err != nil {
		t.Fatal(err)
	}
	if r.Fee != (store.Money{Amount: 15000, Currency: "USD"}) {
		t.Errorf("got fee %+v, want 15000 USD", r.Fee)
	}
}

func TestDuplicateEmailIgnoresCaseAndCancelledOnes(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	r, err := db.CreateRegistration(ctx, store.System, details("Jose@Example.org"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateRegistration(ctx, store.System, details("jose@example.ORG"))
	if !store.IsDuplicate(err) {
		t.Fatalf("got %v, want a duplicate email error", err)
	}
	if _, err := db.CancelRegistration(ctx, store.System, r.Reference, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateRegistration(ctx, store.System, details("jose@example.ORG")); err != nil {
		t.Errorf("after cancelling, registering again: %v", err)
	}
}

func TestConcurrentRegistrationsNeverOversell(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	setCapacity(t, db, 10)
	s := db.Settings()
	s.StudyVisits[0].Capacity = 5
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	visit := s.StudyVisits[0].Code

	const n = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	full, errs := 0, []error{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := details(fmt.Sprintf("c%d@example.org", i))
			if i%2 == 0 {
				d.StudyVisit = visit
			}
			_, err := db.CreateRegistration(ctx, store.System, d)
			mu.Lock()
			defer mu.Unlock()
			var ve *store.ValidationError
			switch {
			case errors.As(err, &ve) && ve.Fields["study_visit"].Key == "error.full":
				full++
			case err != nil:
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if live := st.ByStatus[store.StatusPending] + st.ByStatus[store.StatusApproved]; live != 10 {
		t.Errorf("got %d pending or approved, want exactly the capacity 10", live)
	}
	if got, want := st.ByStatus[store.StatusWaitlisted], n-full-10; got != want {
		t.Errorf("got %d waitlisted, want %d", got, want)
	}
	_, visits, err := db.Taken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if visits[visit] != 5 || full != n/2-5 {
		t.Errorf("study visit: %d places taken and %d refused as full, want 5 and %d", visits[visit], full, n/2-5)
	}
}

// TestCancellationPromotesOldestWaitlisted: with offers off (0 hours), a
// place that comes free goes to the oldest waitlisted at once.
func TestCancellationPromotesOldestWaitlisted(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	offering(t, db, 2, 0)
	var regs []store.Registration
	at := time.Date(2015, 6, 1, 9, 0, 0, 0, time.UTC)
	for i, cat := range []string{"member_state", "member_state", "speaker", "member_state"} {
		at = at.Add(time.Minute)
		clk.Set(at)
		d := details(fmt.Sprintf("w%d@example.org", i))
		d.Category = cat
		d.Language = []string{"en", "en", "fr", "es"}[i]
		r, err := db.CreateRegistration(ctx, store.System, d)
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, r)
	}
	if regs[2].Status != store.StatusWaitlisted || regs[3].Status != store.StatusWaitlisted {
		t.Fatalf("got %s and %s, want both waitlisted", regs[2].Status, regs[3].Status)
	}
	if _, err := db.CancelRegistration(ctx, store.Actor{Kind: "delegate"}, regs[0].Reference, ""); err != nil {
		t.Fatal(err)
	}
	up, _ := db.FindRegistration(ctx, regs[2].Reference)
	if up.Status != store.StatusApproved { // a speaker needs no approval
		t.Errorf("oldest waitlisted: got %s, want approved", up.Status)
	}
	still, _ := db.FindRegistration(ctx, regs[3].Reference)
	if still.Status != store.StatusWaitlisted {
		t.Errorf("younger waitlisted: got %s, want still waitlisted", still.Status)
	}
	msgs := outbox(t, db, up)
	if len(msgs) != 2 || msgs[0].Kind != store.MailPromoted || !strings.Contains(msgs[0].Subject, "une place s'est libérée") {
		t.Errorf("promoted delegate's messages: %+v", msgs)
	}
	// rejecting the other live one promotes the next, as pending
	if _, err := db.RejectRegistration(ctx, store.System, regs[1].Reference, "Not a delegation"); err != nil {
		t.Fatal(err)
	}
	next, _ := db.FindRegistration(ctx, regs[3].Reference)
	if next.Status != store.StatusPending {
		t.Errorf("got %s, want pending", next.Status)
	}
	rejected := outbox(t, db, regs[1])
	if rejected[0].Kind != store.MailRejected || !strings.Contains(rejected[0].Text, "Not a delegation") {
		t.Errorf("rejection message lacks the reason: %+v", rejected[0])
	}
}

func TestStatusChangesThatDoNotApply(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	r, err := db.CreateRegistration(ctx, store.System, details("a@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveRegistration(ctx, store.System, r.Reference); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveRegistration(ctx, store.System, r.Reference); !errors.Is(err, store.ErrConflict) {
		t.Errorf("approving twice: got %v, want a conflict", err)
	}
	if _, err := db.CancelRegistration(ctx, store.System, r.Reference, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RejectRegistration(ctx, store.System, r.Reference, ""); !errors.Is(err, store.ErrConflict) {
		t.Errorf("rejecting a cancelled one: got %v, want a conflict", err)
	}
	if _, err := db.ApproveRegistration(ctx, store.System, "ICLC-NOPE22"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown reference: got %v, want not found", err)
	}
	if _, err := db.UpdateRegistration(ctx, store.System, r.Reference, details("a@example.org")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("editing a cancelled one: got %v, want a conflict", err)
	}
}

func TestPassportDataIsEncrypted(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	d := details("visa@example.org")
	d.InvitationLetter, d.Nationality, d.PassportNumber = true, "SN", "ZX9876543"
	d.PassportFamilyName = "Núñez"
	d.PassportExpiry, d.DateOfBirth = "2019-01-31", "1971-03-02"
	r, err := db.CreateRegistration(ctx, store.System, d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.FindRegistration(ctx, r.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if got.PassportNumber != "ZX9876543" || got.PassportExpiry != "2019-01-31" || got.DateOfBirth != "1971-03-02" {
		t.Errorf("read back %q %q %q", got.PassportNumber, got.PassportExpiry, got.DateOfBirth)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db.Path(), db.Path() + "-wal", backup} {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, secret := range []string{"ZX9876543", "1971-03-02", r.ManageToken} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s holds %q in clear", filepath.Base(f), secret)
			}
		}
	}
	// a different key cannot read it
	opts := options(t, clock.At(june15))
	opts.Secret = bytes.Repeat([]byte{8}, 32)
	other, err := store.Open(ctx, db.Path(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.FindRegistration(ctx, r.Reference); err == nil {
		t.Error("another key decrypted the passport data")
	}
}

func TestUpdateRegistrationKeepsHistoryWithoutSecrets(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	d := details("edit@example.org")
	d.InvitationLetter, d.Nationality, d.PassportNumber = true, "VN", "B1234567"
	d.PassportFamilyName = "Núñez"
	d.PassportExpiry, d.DateOfBirth = "2020-01-01", "1980-01-01"
	r, err := db.CreateRegistration(ctx, store.System, d)
	if err != nil {
		t.Fatal(err)
	}
	d.ArrivalFlight, d.PassportNumber = "VN 123", "B7654321"
	if _, err := db.UpdateRegistration(ctx, store.Actor{Kind: "delegate"}, r.Reference, d); err != nil {
		t.Fatal(err)
	}
	h, err := db.History(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[1].Action != "registration.update" {
		t.Fatalf("history %+v", h)
	}
	if got := fmt.Sprint(h[1].Detail["arrival_flight"]); got != "[ VN 123]" {
		t.Errorf("arrival_flight change recorded as %s", got)
	}
	if h[1].Detail["passport_number"] != "changed" {
		t.Errorf("passport change recorded as %v, want only 'changed'", h[1].Detail["passport_number"])
	}
}
