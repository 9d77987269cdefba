package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"delegate/store"
)

func visaDetails(email string) store.Details {
	d := details(email)
	d.Category = "speaker" // approved at once
	d.InvitationLetter, d.Nationality, d.PassportNumber = true, "SN", "A01234567"
	d.PassportFamilyName, d.PassportGivenNames = "Núñez", "José"
	d.PassportExpiry, d.DateOfBirth = "2019-05-31", "1972-04-04"
	return d
}

func TestCheckinCodes(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	r, err := db.CreateRegistration(ctx, store.System, details("code@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	code := db.CheckinCode(r)
	if !strings.HasPrefix(code, r.Reference+"-1-") || strings.ToUpper(code) != code {
		t.Errorf("code %q: want reference, version 1, upper case", code)
	}
	if ref, v, ok := db.ParseCheckinCode(strings.ToLower(code)); !ok || ref != r.Reference || v != 1 {
		t.Errorf("parse %q: %s %d %v", code, ref, v, ok)
	}
	last := "X" // the signature's last character changed
	if strings.HasSuffix(code, last) {
		last = "Y"
	}
	for _, forged := range []string{code[:len(code)-1] + last, r.Reference + "-2-" + code[len(code)-12:], "ICLC-AAAAAA-1-AAAAAAAAAAAA", "", "nonsense"} {
		if _, _, ok := db.ParseCheckinCode(forged); ok {
			t.Errorf("forged code %q accepted", forged)
		}
	}
	re, err := db.ReissueBadge(ctx, store.System, r.Reference)
	if err != nil || re.BadgeVersion != 2 {
		t.Fatalf("reissue: %v, version %d", err, re.BadgeVersion)
	}
	if newCode := db.CheckinCode(re); newCode == code {
		t.Error("the reissued badge has the old code")
	}
	// the old code still parses, as version 1: the check-in refuses it
	if _, v, ok := db.ParseCheckinCode(code); !ok || v == re.BadgeVersion {
		t.Errorf("old code: version %d, ok %v", v, ok)
	}
}

// withSignatory sets a signatory, as organisers do before letters go out.
func withSignatory(t testing.TB, db *store.DB) {
	t.Helper()
	s := db.Settings()
	s.Signatory.Name = "Test Signatory"
	if _, err := db.UpdateSettings(context.Background(), store.System, s); err != nil {
		t.Fatal(err)
	}
}

// kinds are the kinds of r's messages, newest first.
func kinds(t testing.TB, db *store.DB, r store.Registration) []string {
	t.Helper()
	var k []string
	for _, m := range outbox(t, db, r) {
		k = append(k, m.Kind)
	}
	return k
}

// TestNoLetterWithoutAPerson: a category approved automatically (speaker)
// gets no letter until an organiser issues it; approval by an organiser
// issues it at once.
func TestNoLetterWithoutAPerson(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	withSignatory(t, db)
	ctx := context.Background()
	r, err := db.CreateRegistration(ctx, store.System, visaDetails("speaker@example.org"))
	if err != nil || r.Status != store.StatusApproved {
		t.Fatalf("speaker: %s %v", r.Status, err)
	}
	if _, err := db.CurrentLetter(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a self-approved registration has a letter: %v", err)
	}
	if r.LetterState() != store.LetterReview {
		t.Errorf("letter state %q, want %q", r.LetterState(), store.LetterReview)
	}
	queue, _ := db.LetterQueue(ctx)
	if len(queue[store.LetterReview]) != 1 {
		t.Errorf("review queue: %d, want 1", len(queue[store.LetterReview]))
	}
	organiser := store.Actor{Kind: "user", Name: "admin@uil.example"}
	if r, err = db.IssueLetter(ctx, organiser, r.Reference); err != nil || r.LetterState() != store.LetterIssued {
		t.Fatalf("issue: %v, %s", err, r.LetterState())
	}
	l, err := db.CurrentLetter(ctx, r.ID)
	if err != nil || l.Name != "NÚÑEZ, José" || l.Nationality != "SN" || l.StartDate != "2015-09-28" {
		t.Fatalf("letter once issued: %+v %v", l, err)
	}
	if k := kinds(t, db, r); k[0] != store.MailLetterReady {
		t.Errorf("messages after issuing: %v", k)
	}
	// a registration an organiser approves gets its letter at once
	d := visaDetails("mayor@example.org")
	d.Category = "mayor"
	m, _ := db.CreateRegistration(ctx, store.System, d)
	if m, err = db.ApproveRegistration(ctx, organiser, m.Reference); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CurrentLetter(ctx, m.ID); err != nil {
		t.Errorf("approved by an organiser, no letter: %v", err)
	}
}

// TestLettersFollowTheRegistration: a change to what the letter prints
// supersedes it at once and waits for an organiser; refusal withdraws it;
// new dates reissue it; cancelling supersedes it.
func TestLettersFollowTheRegistration(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	withSignatory(t, db)
	ctx := context.Background()
	organiser := store.Actor{Kind: "user", Name: "admin@uil.example"}
	d := visaDetails("visa@example.org")
	d.Category = "mayor"
	r, _ := db.CreateRegistration(ctx, store.System, d)
	db.ApproveRegistration(ctx, organiser, r.Reference)
	first, err := db.CurrentLetter(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	code := db.LetterCode(first.Serial)
	if c, err := db.VerifyLetterCode(ctx, code); err != nil || c.Standing() != "valid" || c.Reference != r.Reference {
		t.Errorf("verify: %+v %v", c, err)
	}
	if _, err := db.VerifyLetterCode(ctx, first.Serial+"-AAAAAAAAAAAA"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("forged letter code: %v", err)
	}

	// a new passport: the letter is superseded at once, nothing new until
	// an organiser looks, and the queue shows what changed, masked
	d.PassportNumber = "B7654321"
	if _, err := db.UpdateRegistration(ctx, store.Actor{Kind: "delegate"}, r.Reference, d); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.VerifyLetterCode(ctx, code); c.Standing() != "superseded" {
		t.Errorf("the old letter after the change: %s", c.Standing())
	}
	if _, err := db.CurrentLetter(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a valid letter right after the passport changed: %v", err)
	}
	got, _ := db.FindRegistration(ctx, r.Reference)
	if got.LetterState() != store.LetterReview || got.LetterChanges["passport_number"] != [2]any{"A0•••••67", "B7••••21"} {
		t.Errorf("after the change: %s %v", got.LetterState(), got.LetterChanges)
	}
	if second, err := db.IssueLetter(ctx, organiser, r.Reference); err != nil || len(second.LetterChanges) != 0 {
		t.Fatalf("issue after review: %v %v", err, second.LetterChanges)
	}
	second, _ := db.CurrentLetter(ctx, r.ID)
	if second.Serial == first.Serial {
		t.Fatal("the reviewed letter kept the old serial")
	}
	// an arrival flight does not touch the letter
	d.ArrivalFlight = "AF 178"
	db.UpdateRegistration(ctx, store.Actor{Kind: "delegate"}, r.Reference, d)
	if l, _ := db.CurrentLetter(ctx, r.ID); l.Serial != second.Serial {
		t.Error("a flight change reissued the letter")
	}
	// new dates reissue every letter an organiser stands behind
	s := db.Settings()
	s.StartDate, s.EndDate = "2015-10-05", "2015-10-07"
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	third, _ := db.CurrentLetter(ctx, r.ID)
	if third.Serial == second.Serial || third.EndDate != "2015-10-07" {
		t.Errorf("after new dates: %+v", third)
	}
	// refused: the letter is withdrawn and the delegate told why
	if _, err := db.RefuseLetter(ctx, organiser, r.Reference, "The passport could not be confirmed."); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.VerifyLetterCode(ctx, db.LetterCode(third.Serial)); c.Standing() != "refused" {
		t.Errorf("a refused letter verifies as %s", c.Standing())
	}
	msgs := outbox(t, db, r)
	if msgs[0].Kind != store.MailLetterRefused || !strings.Contains(msgs[0].Text, "The passport could not be confirmed.") {
		t.Errorf("refusal message: %s\n%s", msgs[0].Kind, msgs[0].Text)
	}
	// cancelling supersedes whatever is current
	db.IssueLetter(ctx, organiser, r.Reference)
	db.CancelRegistration(ctx, store.System, r.Reference, "")
	if _, err := db.CurrentLetter(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("letter after cancelling: %v", err)
	}
}

// TestNoLetterWithoutASignatory: letters wait for a signatory; setting
// one issues those held, and tells their delegates.
func TestNoLetterWithoutASignatory(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	organiser := store.Actor{Kind: "user", Name: "admin@uil.example"}
	d := visaDetails("held@example.org")
	d.Category = "mayor"
	r, _ := db.CreateRegistration(ctx, store.System, d)
	if _, err := db.ApproveRegistration(ctx, organiser, r.Reference); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CurrentLetter(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a letter without a signatory: %v", err)
	}
	s, _ := db.CreateRegistration(ctx, store.System, visaDetails("speaker@example.org"))
	var ce *store.ConflictError
	if _, err := db.IssueLetter(ctx, organiser, s.Reference); !errors.As(err, &ce) || ce.Reason != "no_signatory" {
		t.Errorf("issue without a signatory: %v", err)
	}
	withSignatory(t, db)
	if _, err := db.CurrentLetter(ctx, r.ID); err != nil {
		t.Errorf("held letter after the signatory was set: %v", err)
	}
	if k := kinds(t, db, r); k[0] != store.MailLetterReady {
		t.Errorf("messages after the signatory was set: %v", k)
	}
}

// TestVerifyFromPaper: the serial and the short code printed on the
// letter find it; a passport number typed says match or mismatch.
func TestVerifyFromPaper(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	withSignatory(t, db)
	ctx := context.Background()
	d := visaDetails("paper@example.org")
	d.Category = "mayor"
	r, _ := db.CreateRegistration(ctx, store.System, d)
	db.ApproveRegistration(ctx, store.System, r.Reference)
	l, _ := db.CurrentLetter(ctx, r.ID)
	short := db.LetterShortCode(l.Serial)
	if len(short) != 9 || short[4] != '-' {
		t.Fatalf("short code %q, want XXXX-XXXX", short)
	}
	for _, tc := range []struct {
		serial, code, passport, match string
		found                         bool
	}{
		{l.Serial, short, "", "", true},
		{strings.ToLower(l.Serial), strings.ToLower(strings.ReplaceAll(short, "-", " ")), "", "", true},
		{l.Serial, short, "a0 123-4567", "match", true},
		{l.Serial, short, "A01234568", "mismatch", true},
		{l.Serial, "AAAA-AAAA", "A01234567", "", false},
		{"L999999", short, "", "", false},
	} {
		c, err := db.VerifyLetter(ctx, tc.serial, tc.code, tc.passport)
		if tc.found != (err == nil) || c.Match != tc.match {
			t.Errorf("%s %s %q: found %v (%v), match %q; want %v, %q", tc.serial, tc.code, tc.passport, err == nil, err, c.Match, tc.found, tc.match)
		}
	}
	db.PurgePassports(ctx, store.System)
	if c, err := db.VerifyLetter(ctx, l.Serial, short, "A01234567"); err != nil || c.Match != "unknown" {
		t.Errorf("after the purge: %q %v, want unknown", c.Match, err)
	}
}

func TestNoLetterUntilTheFeeIsPaid(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	d := visaDetails("fee@example.org")
	d.Category = "city_official" // a fee, and approval
	r, _ := db.CreateRegistration(ctx, store.System, d)
	if _, err := db.ApproveRegistration(ctx, store.System, r.Reference); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CurrentLetter(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a letter before payment: %v", err)
	}
}

func TestBadgeNamesMustBePrintable(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	d := details("zh@example.org")
	d.GivenNames, d.FamilyName = "伟", "王"
	_, err := db.CreateRegistration(ctx, store.System, d)
	var ve *store.ValidationError
	if !errors.As(err, &ve) || ve.Fields["badge_name"].Key != "error.badge_script" {
		t.Fatalf("a Chinese name without a Latin badge name: %v", err)
	}
	d.BadgeName = "Wang Wei"
	if _, err := db.CreateRegistration(ctx, store.System, d); err != nil {
		t.Errorf("with a Latin badge name: %v", err)
	}
	d.Email, d.GivenNames, d.FamilyName, d.BadgeName = "in@example.org", "அருண்", "குமார்", "Arun Kumar"
	if _, err := db.CreateRegistration(ctx, store.System, d); !errors.As(err, &ve) || ve.Fields["given_names"].Key != "error.script_unsupported" {
		t.Errorf("a name in a script no font prints: %v", err)
	}
	for _, ok := range []string{"Nguyễn Thị Hương", "Ελένη Παπαδοπούλου", "Олена Шевченко", "Łukasz Żak", "Seán Ó Briain"} {
		if !store.Drawable(ok) {
			t.Errorf("%q refused", ok)
		}
	}
}

func TestPurgePassports(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	withSignatory(t, db)
	ctx := context.Background()
	r, _ := db.CreateRegistration(ctx, store.System, visaDetails("purge@example.org"))
	if _, err := db.IssueLetter(ctx, store.System, r.Reference); err != nil {
		t.Fatal(err)
	}
	s := db.Settings()
	if s.PurgeDue(30, s.End().AddDate(0, 0, 10)) || !s.PurgeDue(30, s.End().AddDate(0, 0, 40)) {
		t.Error("with 30 days' retention: purge due 10 days after, or not 40 days after")
	}
	n, err := db.PurgePassports(ctx, store.System)
	if err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	got, _ := db.FindRegistration(ctx, r.Reference)
	if got.HasPassport || got.PassportNumber != "" {
		t.Error("passport data survived the purge")
	}
	letter, _ := db.CurrentLetter(ctx, r.ID)
	if _, err := db.VerifyLetterCode(ctx, db.LetterCode(letter.Serial)); err != nil {
		t.Errorf("the letter no longer verifies after the purge: %v", err)
	}
}
