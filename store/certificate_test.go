package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"delegate/store"
)

// TestCertificatesOfParticipation: none before the first conference day
// or without a check-in; issued on request with the days attended, in
// batch, verified like letters, and revocable.
func TestCertificatesOfParticipation(t *testing.T) {
	t.Parallel()
	db, clk := mustOpenAt(t, june15)
	ctx := context.Background()
	desk := store.Actor{Kind: "user", Name: "desk@uil.example"}
	reason := func(err error) string {
		var ce *store.ConflictError
		if errors.As(err, &ce) {
			return ce.Reason
		}
		return ""
	}
	var regs []store.Registration
	for _, email := range []string{"came@example.org", "twice@example.org", "absent@example.org"} {
		r, _ := db.CreateRegistration(ctx, store.System, details(email))
		r, _ = db.ApproveRegistration(ctx, store.System, r.Reference)
		regs = append(regs, r)
	}
	if _, err := db.Certificate(ctx, regs[0]); reason(err) != "certificate_not_yet" {
		t.Errorf("before the conference: %v", err)
	}
	clk.Set(time.Date(2015, 9, 28, 16, 0, 0, 0, time.UTC)) // the first morning in Mexico City
	for _, r := range regs[:2] {
		if _, err := db.CheckIn(ctx, desk, store.CheckinRequest{Reference: r.Reference}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(time.Date(2015, 9, 29, 16, 0, 0, 0, time.UTC))
	db.CheckIn(ctx, desk, store.CheckinRequest{Reference: regs[1].Reference})
	if _, err := db.Certificate(ctx, regs[2]); reason(err) != "not_checked_in" {
		t.Errorf("a delegate who never came: %v", err)
	}
	c, err := db.Certificate(ctx, regs[1])
	if err != nil || c.Name != "José Núñez" || !slices.Equal(c.Days, []string{"2015-09-28", "2015-09-29"}) {
		t.Fatalf("certificate: %+v %v", c, err)
	}
	if again, _ := db.Certificate(ctx, regs[1]); again.Serial != c.Serial {
		t.Error("a second download issued another certificate")
	}
	if n, err := db.IssueCertificates(ctx, store.System); err != nil || n != 1 {
		t.Errorf("batch: %d issued, %v; want 1 (the other has one)", n, err)
	}
	check, err := db.VerifyLetter(ctx, c.Serial, db.LetterShortCode(c.Serial), "")
	if err != nil || check.Kind != "certificate" || check.Standing() != "valid" || len(check.Days) != 2 {
		t.Errorf("verify: %+v %v", check, err)
	}
	if err := db.RevokeCertificate(ctx, store.System, c.Serial); err != nil {
		t.Fatal(err)
	}
	if check, _ := db.VerifyLetterCode(ctx, db.LetterCode(c.Serial)); check.Standing() != "refused" {
		t.Errorf("a revoked certificate verifies as %s", check.Standing())
	}
	if _, err := db.Certificate(ctx, regs[1]); reason(err) != "certificate_revoked" {
		t.Errorf("download after revocation: %v", err)
	}
}
