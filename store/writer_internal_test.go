package store

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// noComposer stands in for the mail composer: the writer's test composes
// no message.
type noComposer struct{ Composer }

// TestWriterTakesWaitingWorkBeforeTheNextChunk: while one chunk of a long
// task is being written, a check-in that comes in after the task's next
// chunk is still written first, and in a commit of its own; chunks never
// share a commit.
func TestWriterTakesWaitingWorkBeforeTheNextChunk(t *testing.T) {
	t.Parallel()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"),
		Options{Secret: bytes.Repeat([]byte{7}, 32), Composer: noComposer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var mu sync.Mutex
	var order []string
	var txs []*sql.Tx
	record := func(what string) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			mu.Lock()
			defer mu.Unlock()
			order, txs = append(order, what), append(txs, tx)
			return nil
		}
	}
	inFirst, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		db.bulkTx(ctx, func(tx *sql.Tx) error { close(inFirst); <-release; return record("chunk 1")(tx) })
	}()
	<-inFirst
	go func() { defer wg.Done(); db.bulkTx(ctx, record("chunk 2")) }()
	time.Sleep(100 * time.Millisecond) // chunk 2 is waiting for the writer
	go func() { defer wg.Done(); db.tx(ctx, record("check-in")) }()
	time.Sleep(100 * time.Millisecond) // and so is the check-in
	close(release)
	wg.Wait()
	if want := []string{"chunk 1", "check-in", "chunk 2"}; !slices.Equal(order, want) {
		t.Errorf("written in the order %q, want %q", order, want)
	}
	if txs[1] == txs[2] {
		t.Error("the check-in shared its commit with a chunk")
	}
}
