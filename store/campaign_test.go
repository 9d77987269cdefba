package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"delegate/clock"
	"delegate/store"
)

// TestCampaignQueuesInTheBackground: a message to more delegates than one
// chunk answers after the first chunk and queues the rest behind it, each
// delegate once; closed halfway, the next start queues the rest.
func TestCampaignQueuesInTheBackground(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	opts := options(t, clock.At(june15))
	opts.CampaignChunk = 10
	db, err := store.Open(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	setCapacity(t, db, 1000)
	for i := range 95 {
		if _, err := db.CreateRegistration(ctx, store.System, details(fmt.Sprintf("d%d@example.org", i))); err != nil {
			t.Fatal(err)
		}
	}
	texts := map[string]store.MessageText{}
	for _, lang := range store.Languages {
		texts[lang] = store.MessageText{Subject: "Shuttles", Body: "Buses leave at 8:00."}
	}
	queued := func(db *store.DB, id int64) int {
		t.Helper()
		counts, err := db.OutboxCounts(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return counts[store.OutboxQueued]
	}

	c, n, err := db.SendCampaign(ctx, store.System, store.Filter{}, texts)
	if err != nil || n != 95 || c.Finished {
		t.Fatalf("send: %d recipients, finished %v, %v", n, c.Finished, err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if c, _ = db.FindCampaign(ctx, c.ID); c.Finished {
			break
		}
	}
	if got := queued(db, c.ID); !c.Finished || got != 95 {
		t.Errorf("the campaign finished %v with %d of 95 queued", c.Finished, got)
	}

	// closed at once: what was not queued is queued at the next start
	c2, _, err := db.SendCampaign(ctx, store.System, store.Filter{}, texts)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	atStop := queued(db, c2.ID)
	if err := db.ResumeCampaigns(ctx); err != nil {
		t.Fatal(err)
	}
	c2, _ = db.FindCampaign(ctx, c2.ID)
	if got := queued(db, c2.ID); got != 95 || !c2.Finished {
		t.Errorf("after the restart %d of 95 queued (%d at the stop), finished %v", got, atStop, c2.Finished)
	}
	t.Logf("closed with %d of 95 queued; all 95 after the restart", atStop)
}
