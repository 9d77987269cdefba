package store_test

import (
	"context"
	"errors"
	"testing"

	"delegate/store"
)

// TestPasskeysAreASecondFactor: a passkey alone counts as a second factor,
// brings recovery codes the first time only, is the owner's alone to
// remove, and goes with a reset.
func TestPasskeysAreASecondFactor(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	u, err := db.SaveUser(ctx, store.System, "admin@uil.example", "correct horse battery staple", "admin")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := db.SaveUser(ctx, store.System, "viewer@uil.example", "correct horse battery staple", "viewer")
	if _, err := db.AddPasskey(ctx, store.System, u.ID, "\u200b\u200b", []byte{1}, []byte("{}")); !errors.As(err, new(*store.ValidationError)) {
		t.Errorf("a name of invisible characters: %v, want refused", err)
	}
	codes0, err := db.AddPasskey(ctx, store.System, u.ID, "Office laptop", []byte{1}, []byte("{}"))
	if err != nil || len(codes0) != 10 {
		t.Fatalf("first passkey: %v, %d recovery codes", err, len(codes0))
	}
	codes, err := db.AddPasskey(ctx, store.System, u.ID, "", []byte{2}, []byte("{}"))
	if err != nil || len(codes) != 0 {
		t.Errorf("second passkey: %v, %d recovery codes (want none: the first ten stand)", err, len(codes))
	}
	if _, err := db.AddPasskey(ctx, store.System, other.ID, "Stolen", []byte{1}, []byte("{}")); err == nil {
		t.Error("the same credential kept for a second organiser")
	}
	if u, _ = db.FindUser(ctx, u.ID); !u.SecondFactor || u.TOTP || u.Passkeys != 2 {
		t.Errorf("with two passkeys: %+v", u)
	}
	keys, _ := db.Passkeys(ctx, u.ID)
	if len(keys) != 2 || keys[1].Name != "Passkey" {
		t.Fatalf("passkeys: %+v", keys)
	}
	if err := db.RemovePasskey(ctx, store.System, other.ID, keys[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removed by another organiser: %v", err)
	}
	first := codes0[0]
	if ok, err := db.CheckSecondFactor(ctx, store.System, u.ID, "000000"); ok || err != nil {
		t.Errorf("an app code for an organiser with passkeys only: %v %v", ok, err)
	}
	if ok, err := db.CheckSecondFactor(ctx, store.System, u.ID, first); !ok || err != nil {
		t.Errorf("a recovery code for an organiser with passkeys only (a lost key): %v %v", ok, err)
	}
	if err := db.ResetSecondFactor(ctx, store.System, "admin@uil.example"); err != nil {
		t.Fatal(err)
	}
	if u, _ = db.FindUser(ctx, u.ID); u.SecondFactor || u.Passkeys != 0 || u.SessionEpoch == 0 {
		t.Errorf("after a reset: %+v", u)
	}
}
