// Package store is the domain of delegate: the SQLite database, its
// migrations, the domain types and every state change as one transaction.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the conference database: a read pool and a single-connection write
// pool on the same SQLite file, so that every write transaction is serialised
// and starts with BEGIN IMMEDIATE.
type DB struct {
	read  *sql.DB
	write *sql.DB
	path  string

	now          func() time.Time
	composer     Composer
	passwordCost int
	printable    func(string) bool
	// privateWebhooks lets webhook endpoints be on private addresses
	privateWebhooks bool
	// writeOK is when CheckWrite last passed; wrote and writeFailed when
	// a write last committed and last failed on the storage (unix
	// nanoseconds)
	writeOK, wrote, writeFailed atomic.Int64
	dummyOnce                   sync.Once
	dummy                       []byte // see dummyHash

	passportKey []byte
	codeKey     []byte // signs check-in and letter codes
	stmts       stmts

	mu       sync.RWMutex
	settings *Settings // cached; replaced after every committed change
	byDay    byDay     // registrations by venue day, counted so far
	// campaignChunk is how many messages of a campaign one transaction queues
	campaignChunk int

	// notify is signalled (without blocking) after a commit that queued mail.
	notify chan struct{}

	jobs       chan job       // work for the writer
	bulk       chan job       // chunks of long tasks, after jobs (bulkTx)
	stopped    chan struct{}  // closed by Close
	writerDone chan struct{}  // closed when the writer has returned
	campaigns  sync.WaitGroup // campaigns being queued in the background
	bgMu       sync.Mutex     // orders campaigns.Add before Close's Wait
	closeOnce  sync.Once
}

// Options configure Open.
type Options struct {
	// Secret is the 32-byte installation key; passport data is encrypted
	// under a key derived from it.
	Secret []byte
	// Composer writes the message each change causes, inside the change's
	// transaction. It is required: a change that tells a delegate nothing
	// would be a silent loss.
	Composer Composer
	// Now is the clock of every change and of the mail worker; time.Now
	// when nil.
	Now func() time.Time
	// PasswordCost is the bcrypt cost of new password hashes; 12 when 0.
	PasswordCost int
	// CampaignChunk is how many of a campaign's messages one transaction
	// queues; 250 when 0 (about 8 ms to write on two cores, the longest a
	// check-in waits for a chunk).
	CampaignChunk int
	// Printable reports whether a name can be printed in its own script
	// with the fonts installed (pdf.Printable); names are refused when it
	// says no. Without it only Latin, Greek and Cyrillic names pass.
	Printable func(name string) bool
	// PrivateWebhooks lets webhook endpoints be on loopback and private
	// addresses (a receiver on the same machine or network); without it
	// an organiser cannot point the server at the network it sits in.
	PrivateWebhooks bool
}

// Open opens (creating if needed) the database at path, runs the pending
// migrations and seeds the conference settings on first start.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if len(opts.Secret) < 32 {
		return nil, errors.New("store: secret must be at least 32 bytes")
	}
	if opts.Composer == nil {
		return nil, errors.New("store: Options.Composer is required to write the messages changes cause")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PasswordCost == 0 {
		opts.PasswordCost = 12
	}
	if err := private(path); err != nil {
		return nil, err
	}
	dsn := DSN(path)
	write, err := sql.Open("sqlite3", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open write pool: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)

	read, err := sql.Open("sqlite3", dsn+"&_query_only=on")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open read pool: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)

	db := &DB{
		read:            read,
		write:           write,
		path:            path,
		now:             opts.Now,
		composer:        opts.Composer,
		passwordCost:    opts.PasswordCost,
		campaignChunk:   cmp.Or(opts.CampaignChunk, 250),
		printable:       opts.Printable,
		privateWebhooks: opts.PrivateWebhooks,
		passportKey:     deriveKey(opts.Secret, "delegate passport v1"),
		codeKey:         deriveKey(opts.Secret, "delegate codes v1"),
		notify:          make(chan struct{}, 1),
		jobs:            make(chan job),
		bulk:            make(chan job),
		stopped:         make(chan struct{}),
		writerDone:      make(chan struct{}),
	}
	// The writer keeps 64 MB of pages: each registration touches leaves of
	// indexes keyed at random (reference, link, address), which at 100,000
	// registrations no longer fit in SQLite's default 2 MB.
	if _, err := write.ExecContext(ctx, "PRAGMA cache_size = -65536"); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("cache_size: %w", err)
	}
	if _, err := write.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("temp_store: %w", err)
	}
	// Checkpoint the WAL less often than the default 1,000 pages: the
	// index pages a burst of registrations touches are copied back once,
	// not again and again.
	if _, err := write.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 8000"); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("wal_autocheckpoint: %w", err)
	}
	go db.writer()
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.fillSearchIndex(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("search index: %w", err)
	}
	if err := db.fillCityKeys(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("city keys: %w", err)
	}
	if err := db.seed(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.loadSettings(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// DSN is the connection string of every pooled connection: the pragmas
// live here so that each connection has them. _busy_timeout comes before
// _journal_mode so that switching to WAL waits for other connections
// instead of failing at once; synchronous=FULL because registrations and
// payments must survive a power cut. _stmt_cache_size keeps each
// connection's statements prepared: preparing a write compiles the tally
// triggers too, and cost more than running it.
func DSN(path string) string {
	return "file:" + path + "?_busy_timeout=10000&_journal_mode=WAL&_foreign_keys=on&_synchronous=FULL&_stmt_cache_size=128&_secure_delete=on"
}

// Close stops the writer, after the batch it is committing, and closes
// both pools.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.bgMu.Lock()
		close(db.stopped)
		db.bgMu.Unlock()
	})
	db.campaigns.Wait() // each ends at its next chunk, refused
	<-db.writerDone
	return errors.Join(db.read.Close(), db.write.Close())
}

// background counts one more task in the background, unless the store is
// closing.
func (db *DB) background() bool {
	db.bgMu.Lock()
	defer db.bgMu.Unlock()
	select {
	case <-db.stopped:
		return false
	default:
		db.campaigns.Add(1)
		return true
	}
}

// Now is the time by the store's clock (Options.Now).
func (db *DB) Now() time.Time { return db.now() }

// Path is the file the database lives in.
func (db *DB) Path() string { return db.path }

// CheckWrite checks that the database takes a write, durably: a row of
// its own, rewritten with 64 KiB in it, about what a burst of
// registrations needs, so that a disk too full for them fails it too.
//
// A check that passed in the last ten seconds stands, unless a write has
// failed on the storage since: a monitor polling every second does not
// write 64 KiB a second. While the last write of the service failed, in
// the last half minute, the check fails without writing: a small write
// may still find room where a registration did not.
func (db *DB) CheckWrite(ctx context.Context) error {
	now := time.Now().UnixNano()
	if failed := db.writeFailed.Load(); failed > db.wrote.Load() && now-failed < int64(30*time.Second) {
		return fmt.Errorf("%w: the last write failed %s ago", ErrUnavailable, time.Duration(now-failed).Round(time.Second))
	}
	if ok := db.writeOK.Load(); now-ok < int64(10*time.Second) && db.writeFailed.Load() < ok {
		return nil
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO health (id, checked_at, room) VALUES (1, ?, zeroblob(65536))
			ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at, room = excluded.room`, formatTime(time.Now()))
		return err
	})
	if err == nil {
		db.writeOK.Store(time.Now().UnixNano())
	}
	return err
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Queued is signalled after a commit that wrote outbox rows.
func (db *DB) Queued() <-chan struct{} { return db.notify }

// Backup writes a consistent copy of the live database to path, readable
// by its owner alone.
func (db *DB) Backup(ctx context.Context, path string) error {
	if err := private(path); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, "VACUUM INTO ?", path) // the read pool is query-only
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return os.Chmod(path, 0o600)
}

// private makes the database file at path (creating it empty if need be)
// readable and writable by its owner alone. SQLite gives its -wal and
// -shm files the database file's mode.
func private(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	switch dir := filepath.Dir(path); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the database folder %s does not exist: create it, or set DELEGATE_DB to a file in a folder that does", dir)
	case errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS):
		return fmt.Errorf("cannot write the database %s: the folder %s is read-only or not ours (%v)", path, dir, err)
	case err != nil:
		return fmt.Errorf("open database file: %w", err)
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("database file: %w", err)
	}
	return nil
}

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	// a database a newer binary migrated is not this binary's to run: a
	// rollback is the old binary on the backup taken before the upgrade
	var newest string
	if err := db.write.QueryRowContext(ctx, "SELECT coalesce(max(name), '') FROM migrations").Scan(&newest); err != nil {
		return err
	}
	if len(names) > 0 && newest > names[len(names)-1] {
		return fmt.Errorf("%w: the database was migrated by a newer delegate (%s); run that version, or this one on the backup taken before the upgrade",
			ErrNewerSchema, newest)
	}
	for _, name := range names {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM migrations WHERE name = ?", name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
				name, formatTime(db.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) signalQueued() {
	select {
	case db.notify <- struct{}{}:
	default:
	}
}

// timeLayout is how instants are stored: UTC, fixed width, so that text
// order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeLayout, s)
	return t
}

// parseTimeNull reads a column that may be NULL: nil when it is.
func parseTimeNull(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}
