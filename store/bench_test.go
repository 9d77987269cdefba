package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"delegate/store"
)

// BenchmarkCreateRegistration is one registration after another through
// the store: validation, the immediate transaction, the message, the fsync.
func BenchmarkCreateRegistration(b *testing.B) {
	db := mustOpen(b)
	setCapacity(b, db, 1<<30)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if _, err := db.CreateRegistration(ctx, store.System, details(fmt.Sprintf("b%d@example.org", i))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateRegistrationParallel is the same with concurrent callers,
// where group commit shares one fsync among many registrations.
func BenchmarkCreateRegistrationParallel(b *testing.B) {
	db := mustOpen(b)
	setCapacity(b, db, 1<<30)
	ctx := context.Background()
	b.SetParallelism(8)
	var n int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := atomicAdd(&n)
			if _, err := db.CreateRegistration(ctx, store.System, details(fmt.Sprintf("p%d@example.org", id))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkRawCommit is the ceiling: a one-row insert and commit of raw
// SQLite with the store's pragmas.
func BenchmarkRawCommit(b *testing.B) {
	db, err := sql.Open("sqlite3", store.DSN(filepath.Join(b.TempDir(), "raw.db"))+"&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO t (v) VALUES ('row')"); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func atomicAdd(p *int64) int64 { return atomic.AddInt64(p, 1) }
