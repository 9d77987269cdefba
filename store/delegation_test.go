package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"delegate/store"
)

func delegation(t testing.TB, db *store.DB, name string, quota int, focal ...string) store.Delegation {
	t.Helper()
	d, err := db.CreateDelegation(context.Background(), store.System, store.Delegation{Name: name, Kind: "member_state",
		Country: "CO", Quota: quota, FocalPoints: focal})
	if err != nil {
		t.Fatalf("create delegation: %v", err)
	}
	return d
}

func isConflict(err error, reason string) bool {
	var ce *store.ConflictError
	return errors.As(err, &ce) && ce.Reason == reason
}

// Two focal points adding 50 members at once to a delegation of 20 places
// fill exactly the 20, and no more.
func TestDelegationQuotaUnderConcurrency(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	d := delegation(t, db, "Colombia", 20, "natcom@example.co", "mission@example.co")
	var wg sync.WaitGroup
	var mu sync.Mutex
	added, full := 0, 0
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			focal := store.Actor{Kind: "focal", Name: []string{"natcom@example.co", "mission@example.co"}[i%2]}
			_, err := db.AddMember(ctx, focal, d.ID, details(fmt.Sprintf("m%d@example.co", i)), false, 0)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				added++
			case isConflict(err, "quota_full"):
				full++
			default:
				t.Errorf("member %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	got, _ := db.FindDelegation(ctx, d.ID)
	if added != 20 || full != 30 || got.Members != 20 {
		t.Errorf("%d added, %d refused as full, %d members; want 20, 30, 20", added, full, got.Members)
	}
}

// A delegation's quota and the conference's capacity both hold; a
// withdrawn member frees their place for the delegation and for the
// waiting list.
func TestWithdrawalFreesThePlaceAndPromotes(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	offering(t, db, 2, 0) // a free place goes on at once
	d := delegation(t, db, "Colombia", 2)
	a, err := db.AddMember(ctx, store.System, d.ID, details("a@example.co"), true, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateRegistration(ctx, store.System, details("walkin@example.co")); err != nil {
		t.Fatal(err)
	}
	b, err := db.AddMember(ctx, store.System, d.ID, details("b@example.co"), false, 2)
	if err != nil || b.Status != store.StatusWaitlisted {
		t.Fatalf("over the capacity: %v %s, want waitlisted", err, b.Status)
	}
	if _, err := db.AddMember(ctx, store.System, d.ID, details("c@example.co"), false, 0); !isConflict(err, "quota_full") {
		t.Fatalf("over the quota: %v", err)
	}
	if _, err := db.CancelRegistration(ctx, store.System, a.Reference, "Withdrawn by the focal point"); err != nil {
		t.Fatal(err)
	}
	b, _ = db.FindRegistration(ctx, b.Reference)
	if b.Status != store.StatusPending {
		t.Errorf("the waitlisted member after a withdrawal: %s, want promoted to pending", b.Status)
	}
	if _, err := db.AddMember(ctx, store.System, d.ID, details("c@example.co"), false, 0); err != nil {
		t.Errorf("the freed place: %v", err)
	}
}

// A substitute takes the member's place as it stood, their head and
// rank, and their letter request; the member is cancelled and their
// letter superseded; nobody is promoted.
func TestSubstitutionMovesThePlaceAndTheLetter(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	withSignatory(t, db)
	setCapacity(t, db, 1)
	d := delegation(t, db, "Colombia", 3, "natcom@example.co")
	focal := store.Actor{Kind: "focal", Name: "natcom@example.co"}
	minister := visaDetails("minister@example.co")
	minister.Category = "member_state" // speaker is restricted: the delegation has no such place
	old, err := db.AddMember(ctx, focal, d.ID, minister, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	if old, err = db.ApproveRegistration(ctx, store.System, old.Reference); err != nil {
		t.Fatal(err)
	}
	oldLetter, err := db.CurrentLetter(ctx, old.ID)
	if err != nil {
		t.Fatalf("no letter for the member: %v", err)
	}
	waiting, _ := db.CreateRegistration(ctx, store.System, details("waiting@example.co"))
	next := visaDetails("vice-minister@example.co")
	next.Category, next.InvitationLetter = "member_state", false // asked for again by the move
	next.GivenNames, next.FamilyName, next.PassportGivenNames, next.PassportFamilyName = "Ana", "Gómez", "ANA", "GOMEZ"
	sub, err := db.Substitute(ctx, focal, d.ID, old.Reference, next)
	if err != nil {
		t.Fatal(err)
	}
	old, _ = db.FindRegistration(ctx, old.Reference)
	if sub.Status != store.StatusApproved || !sub.Head || sub.Rank != 1 || sub.DelegationID != d.ID || old.Status != store.StatusCancelled || old.Head {
		t.Errorf("substitute %s head %v rank %d; member %s head %v", sub.Status, sub.Head, sub.Rank, old.Status, old.Head)
	}
	if !sub.InvitationLetter || sub.LetterState() != store.LetterReview {
		t.Errorf("the substitute's letter request: %v, %q (an organiser reviews it for the new person)", sub.InvitationLetter, sub.LetterState())
	}
	if _, err := db.IssueLetter(ctx, store.System, sub.Reference); err != nil {
		t.Fatalf("issue the substitute's letter: %v", err)
	}
	if l, err := db.CurrentLetter(ctx, sub.ID); err != nil || l.Serial == oldLetter.Serial {
		t.Errorf("the substitute's letter: %+v %v", l, err)
	}
	if _, err := db.CurrentLetter(ctx, old.ID); err == nil {
		t.Error("the member's letter is still valid")
	}
	if w, _ := db.FindRegistration(ctx, waiting.Reference); w.Status != store.StatusWaitlisted {
		t.Errorf("the waiting list moved on a substitution: %s", w.Status)
	}
	// another delegation's focal point finds no such member
	other := delegation(t, db, "Perú", 3, "natcom@example.pe")
	if _, err := db.Substitute(ctx, store.Actor{Kind: "focal", Name: "natcom@example.pe"}, other.ID, sub.Reference, details("x@example.pe")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("substitute in another delegation: %v", err)
	}
	if _, err := db.SetMemberRole(ctx, store.System, other.ID, sub.Reference, false, 3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("set the role in another delegation: %v", err)
	}
}

func TestDelegationValidation(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	_, err := db.CreateDelegation(context.Background(), store.System, store.Delegation{Name: " ", Kind: "club", Quota: -1,
		RestrictedQuota: 2, FocalPoints: []string{"not an address", "a@example.org", "A@example.org"}})
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("bad delegation: %v", err)
	}
	for _, f := range []string{"name", "kind", "quota", "restricted_quota", "focal_points"} {
		if _, ok := ve.Fields[f]; !ok {
			t.Errorf("no message for %s: %v", f, ve.Fields)
		}
	}
}

// With the setting on, a Member State delegation's members wait as
// pending until its note verbale is in, even in a category approved on
// its own; an organiser's approval is refused in words; once the note is
// in they are approved. A city's delegation needs no note (14.3).
func TestNoteVerbaleBeforeApproval(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	s := db.Settings()
	s.NoteVerbaleFirst = true
	if _, err := db.UpdateSettings(ctx, store.System, s); err != nil {
		t.Fatal(err)
	}
	state, err := db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Colombia", Kind: "member_state", Country: "CO", Quota: 5, RestrictedQuota: 2})
	if err != nil {
		t.Fatal(err)
	}
	city, err := db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Medellín", Kind: "city", Country: "CO", Quota: 5, RestrictedQuota: 2})
	if err != nil {
		t.Fatal(err)
	}
	speaker := details("speaker@example.co")
	speaker.Category = "speaker" // approved on registering, without a note
	a, err := db.AddMember(ctx, store.System, state.ID, speaker, true, 1)
	if err != nil || a.Status != store.StatusPending {
		t.Fatalf("a Member State's member before the note: %v %s, want pending", err, a.Status)
	}
	b, err := db.AddMember(ctx, store.System, state.ID, details("member@example.co"), false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveRegistration(ctx, store.System, b.Reference); !isConflict(err, "note_verbale_missing") {
		t.Errorf("approved before the note: %v", err)
	}
	speaker.Email = "cityspeaker@example.co"
	if c, err := db.AddMember(ctx, store.System, city.ID, speaker, false, 0); err != nil || c.Status != store.StatusApproved {
		t.Errorf("a city's member: %v %s, want approved", err, c.Status)
	}
	pdf := []byte("%PDF-1.4\n% note verbale\n")
	if err := db.SaveNoteVerbale(ctx, store.Actor{Kind: "focal", Name: "natcom@example.co"}, state.ID, "note.pdf", pdf); err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.Registration{a, b} {
		if got, err := db.ApproveRegistration(ctx, store.System, r.Reference); err != nil || got.Status != store.StatusApproved {
			t.Errorf("after the note: %v %s", err, got.Status)
		}
	}
}
