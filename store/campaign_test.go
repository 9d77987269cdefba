package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
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

// gateComposer is the real composer, held at the message of new dates
// past the first after of them until open is closed.
type gateComposer struct {
	store.Composer
	after int
	n     atomic.Int32
	open  chan struct{}
}

func (g *gateComposer) Compose(kind string, r *store.Registration, s *store.Settings) (store.Email, error) {
	if kind == store.MailDatesChanged && int(g.n.Add(1)) > g.after {
		<-g.open
	}
	return g.Composer.Compose(kind, r, s)
}

// TestNewDatesQueueInTheBackground: new dates answer once the first chunk
// of their messages is queued, not after every delegate's (the composer
// is held at the first message past that chunk: an answer that waited for
// all would never come); the rest follows, each delegate once.
func TestNewDatesQueueInTheBackground(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := options(t, clock.At(june15))
	opts.CampaignChunk = 10
	gate := &gateComposer{Composer: opts.Composer, after: 10, open: make(chan struct{})}
	opts.Composer = gate
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "test.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	setCapacity(t, db, 1000)
	for i := range 95 {
		if _, err := db.CreateRegistration(ctx, store.System, details(fmt.Sprintf("d%d@example.org", i))); err != nil {
			t.Fatal(err)
		}
	}
	s := db.Settings()
	s.StartDate, s.EndDate = "2015-10-05", "2015-10-07"
	answered := make(chan error, 1)
	go func() {
		_, err := db.UpdateSettings(ctx, store.System, s)
		answered <- err
	}()
	select {
	case err := <-answered:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		close(gate.open)
		t.Fatal("the new dates waited for every delegate's message before answering")
	}
	c, err := db.FindCampaign(ctx, 1)
	if err != nil || c.Kind != store.MailDatesChanged || c.Finished {
		t.Fatalf("the message of new dates: %+v, %v", c, err)
	}
	counts, _ := db.OutboxCounts(ctx, c.ID)
	if counts[store.OutboxQueued] != 10 {
		t.Errorf("%d queued at the answer, want the first chunk of 10", counts[store.OutboxQueued])
	}
	close(gate.open)
	for deadline := time.Now().Add(10 * time.Second); !c.Finished && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c, _ = db.FindCampaign(ctx, c.ID)
	}
	if counts, _ := db.OutboxCounts(ctx, c.ID); !c.Finished || counts[store.OutboxQueued] != 95 {
		t.Errorf("finished %v with %d of 95 queued", c.Finished, counts[store.OutboxQueued])
	}
}
