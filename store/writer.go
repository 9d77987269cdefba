package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// maxBatch is how many transactions one commit may carry.
const maxBatch = 128

// job is one unit of work for the writer: fn runs inside a savepoint of the
// batch's transaction, and done receives its result after the commit.
type job struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	done chan error
}

// errClosed is returned for work submitted after Close.
var errClosed = errors.New("store: database is closed")

// tx runs fn as one atomic unit of the single writer and returns once it
// is durably committed (or rolled back when fn fails).
//
// The writer commits the work that queued up while the previous commit was
// being synced in one transaction (group commit), each job in a savepoint of
// its own: a failing job is rolled back alone, the others commit, and no
// job is acknowledged before the commit that holds it. Under load this
// pays one fsync for many registrations; alone, a job commits at once.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.submit(ctx, db.jobs, fn)
}

// bulkTx is tx for one chunk of a long task (a message to all, a print
// job's list): it commits in a transaction of its own, and the writer
// takes any waiting tx first, so that a check-in or a registration waits
// for at most the chunk already being written, never for a queue of them
// nor shares its commit with one.
func (db *DB) bulkTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.submit(ctx, db.bulk, fn)
}

func (db *DB) submit(ctx context.Context, lane chan job, fn func(*sql.Tx) error) error {
	j := job{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case lane <- j:
	case <-db.stopped:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	err := unavailable(<-j.done)
	switch {
	case err == nil:
		db.wrote.Store(time.Now().UnixNano())
	case errors.Is(err, ErrUnavailable):
		db.writeFailed.Store(time.Now().UnixNano())
	}
	return err
}

// writer is the only goroutine that writes; it ends when Close is called.
// The jobs waiting go first, in one commit; a bulk job only when none is.
func (db *DB) writer() {
	defer close(db.writerDone)
	for {
		var batch []job
		select {
		case j := <-db.jobs:
			batch = append(batch, j)
		default:
			select {
			case j := <-db.jobs:
				batch = append(batch, j)
			case j := <-db.bulk:
				db.commit([]job{j})
				continue
			case <-db.stopped:
				return
			}
		}
	more:
		for len(batch) < maxBatch {
			select {
			case j := <-db.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		db.commit(batch)
	}
}

// commit runs a batch in one transaction and tells each job how it went.
func (db *DB) commit(batch []job) {
	results := make([]error, len(batch))
	err := func() error {
		tx, err := db.write.BeginTx(context.Background(), nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		for i, j := range batch {
			if err := j.ctx.Err(); err != nil {
				results[i] = err // the caller has gone: do not do its work
				continue
			}
			results[i] = runSavepoint(tx, j)
		}
		if err := tx.Commit(); err != nil {
			tx.Rollback()
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	}()
	for i, j := range batch {
		if err != nil {
			results[i] = err
		}
		j.done <- results[i]
	}
}

func runSavepoint(tx *sql.Tx, j job) (err error) {
	if _, err := tx.Exec("SAVEPOINT job"); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in transaction: %v", p)
		}
		if err != nil {
			if _, rbErr := tx.Exec("ROLLBACK TO job"); rbErr != nil {
				err = errors.Join(err, rbErr)
			}
		}
		if _, relErr := tx.Exec("RELEASE job"); relErr != nil && err == nil {
			err = relErr
		}
	}()
	return j.fn(tx)
}
