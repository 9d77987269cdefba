package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"delegate/store"
)

// TestSetupLinkIsSingleUseUnderARace posts one setup link ten times at
// once: one admin is made, the other nine find the link used.
func TestSetupLinkIsSingleUseUnderARace(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	secret, err := db.CreateSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = db.CompleteSetup(ctx, store.System, secret, fmt.Sprintf("admin%d@uil.example", i), "correct horse battery staple")
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		}
	}
	if n, _ := db.CountUsers(ctx); n != 1 || ok != 1 {
		t.Errorf("ten posts of one setup link made %d organisers (%d answered yes), want 1", n, ok)
	}
}
