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

func TestLettersFollowTheRegistration(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	r, err := db.CreateRegistration(ctx, store.System, visaDetails("visa@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	first, err := db.CurrentLetter(ctx, r.ID)
	if err != nil || first.Name != "José Núñez" || first.Nationality != "SN" || first.StartDate != "2015-09-28" {
		t.Fatalf("letter at approval: %+v %v", first, err)
	}
	kinds := func() []string {
		msgs, _ := db.FindOutbox(ctx, store.OutboxFilter{RegistrationID: r.ID})
		var k []string
		for _, m := range msgs {
			k = append(k, m.Kind)
		}
		return k
	}
	if k := kinds(); len(k) != 2 || k[0] != store.MailLetterReady {
		t.Errorf("messages after approval: %v", k)
	}
	code := db.LetterCode(first.Serial)
	if l, ref, err := db.VerifyLetter(ctx, code); err != nil || !l.Valid() || ref != r.Reference {
		t.Errorf("verify: %+v %s %v", l, ref, err)
	}
	if _, _, err := db.VerifyLetter(ctx, first.Serial+"-AAAAAAAAAAAA"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("forged letter code: %v", err)
	}

	// a new passport reissues the letter and tells the delegate
	d := visaDetails("visa@example.org")
	d.PassportNumber = "B7654321"
	if _, err := db.UpdateRegistration(ctx, store.Actor{Kind: "delegate"}, r.Reference, d); err != nil {
		t.Fatal(err)
	}
	second, _ := db.CurrentLetter(ctx, r.ID)
	if second.Serial == first.Serial {
		t.Fatal("a passport change kept the letter")
	}
	if l, _, _ := db.VerifyLetter(ctx, code); l.Valid() {
		t.Error("the old letter still verifies as valid")
	}
	if k := kinds(); k[0] != store.MailLetterReady || len(k) != 3 {
		t.Errorf("messages after the passport change: %v", k)
	}
	// an arrival flight does not touch the letter
	d.ArrivalFlight = "AF 178"
	db.UpdateRegistration(ctx, store.Actor{Kind: "delegate"}, r.Reference, d)
	if l, _ := db.CurrentLetter(ctx, r.ID); l.Serial != second.Serial {
		t.Error("a flight change reissued the letter")
	}
	// new dates reissue every letter
	s := db.Settings()
	s.StartDate, s.EndDate = "2015-10-05", "2015-10-07"
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	third, _ := db.CurrentLetter(ctx, r.ID)
	if third.Serial == second.Serial || third.EndDate != "2015-10-07" {
		t.Errorf("after new dates: %+v", third)
	}
	// cancelling supersedes it
	db.CancelRegistration(ctx, store.System, r.Reference, "")
	if _, err := db.CurrentLetter(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("letter after cancelling: %v", err)
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
	for _, ok := range []string{"Nguyễn Thị Hương", "Ελένη Παπαδοπούλου", "Олена Шевченко", "Łukasz Żak", "Seán Ó Briain"} {
		if !store.Drawable(ok) {
			t.Errorf("%q refused", ok)
		}
	}
}

func TestPurgePassports(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	r, _ := db.CreateRegistration(ctx, store.System, visaDetails("purge@example.org"))
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
	if _, _, err := db.VerifyLetter(ctx, db.LetterCode(letter.Serial)); err != nil {
		t.Errorf("the letter no longer verifies after the purge: %v", err)
	}
}
