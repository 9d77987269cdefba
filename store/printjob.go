package store

// Print jobs: a batch of badges fixed when it is made and printed in parts,
// each part one document of at most PartSize badges.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Part sizes an organiser may pick for a print job.
const (
	DefaultPartSize = 500
	MaxPartSize     = 2000
)

// insertChunk is how many badges of a new print job one transaction adds:
// the desk's check-ins wait for no more than that.
const insertChunk = 2000

// PrintJob is a batch of badges and how far its printing has come.
type PrintJob struct {
	ID        int64
	CreatedAt time.Time
	CreatedBy string
	Layout    string
	Language  string
	PartSize  int
	Total     int // badges in the job
	Filter    Filter
	Printed   map[int]PrintedPart // by part number, from 1
}

// PrintedPart is a part that was printed.
type PrintedPart struct {
	At     time.Time
	By     string
	Badges int // how many badges it held when printed
	Times  int
}

// Parts is how many parts the job has.
func (j PrintJob) Parts() int { return (j.Total + j.PartSize - 1) / j.PartSize }

// PartRange is the first and last badge of part n, counted from 1.
func (j PrintJob) PartRange(n int) (first, last int) {
	return (n-1)*j.PartSize + 1, min(n*j.PartSize, j.Total)
}

// jobFilter is the part of a Filter a print job keeps, to show it.
type jobFilter struct {
	Category string `json:"category,omitempty"`
	Country  string `json:"country,omitempty"`
	Hotel    string `json:"hotel,omitempty"`
	Visit    string `json:"visit,omitempty"`
	Printed  string `json:"printed,omitempty"`
	Q        string `json:"q,omitempty"`
}

// CreatePrintJob makes a print job of the approved registrations that
// match f, by family name, in parts of size. It reads the matches first
// and writes them insertChunk a transaction, so that a job of 100,000
// badges never holds the writer for long.
func (db *DB) CreatePrintJob(ctx context.Context, actor Actor, f Filter, layout, language string, size int) (int64, error) {
	if size < 1 || size > MaxPartSize {
		return 0, &ValidationError{Fields: map[string]Message{"size": {Key: "error.range", Args: []any{1, MaxPartSize}}}}
	}
	f.Status, f.Sort, f.After, f.Page, f.PerPage = StatusApproved, "name", "", 0, 0
	if err := f.Check(); err != nil {
		return 0, err
	}
	where, args := f.where()
	rows, err := db.read.QueryContext(ctx, "SELECT id FROM registrations"+where+" ORDER BY "+f.order().orderBy(), args...)
	ids, err := collect(rows, err, func(s scanner) (id int64, err error) { return id, s.Scan(&id) })
	if err != nil {
		return 0, fmt.Errorf("print job: %w", err)
	}
	shown, _ := json.Marshal(jobFilter{f.Category, f.Country, f.Hotel, f.Visit, f.Printed, f.Q})
	var job int64
	err = db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO print_jobs (created_at, created_by, layout, language, part_size, filter)
			VALUES (?, ?, ?, ?, ?, ?)`, formatTime(db.Now()), actor.String(), layout, language, size, string(shown))
		if err != nil {
			return err
		}
		if job, err = res.LastInsertId(); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "badges.job", 0, map[string]any{"job": job, "badges": len(ids), "filter": json.RawMessage(shown)})
	})
	for start := 0; err == nil && start < len(ids); start += insertChunk {
		chunk := ids[start:min(start+insertChunk, len(ids))]
		err = db.bulkTx(ctx, func(tx *sql.Tx) error {
			st, err := tx.PrepareContext(ctx, "INSERT INTO print_job_badges (job_id, seq, registration_id) VALUES (?, ?, ?)")
			if err != nil {
				return err
			}
			defer st.Close()
			for i, id := range chunk {
				if _, err := st.ExecContext(ctx, job, start+i+1, id); err != nil {
					return err
				}
			}
			_, err = tx.ExecContext(ctx, "UPDATE print_jobs SET total = ? WHERE id = ?", start+len(chunk), job)
			return err
		})
	}
	if err != nil {
		return 0, fmt.Errorf("print job: %w", err)
	}
	return job, nil
}

const printJobColumns = "id, created_at, created_by, layout, language, part_size, total, filter"

func scanPrintJob(s scanner) (PrintJob, error) {
	var j PrintJob
	var at, filter string
	if err := s.Scan(&j.ID, &at, &j.CreatedBy, &j.Layout, &j.Language, &j.PartSize, &j.Total, &filter); err != nil {
		return j, err
	}
	j.CreatedAt = parseTime(at)
	var jf jobFilter
	_ = json.Unmarshal([]byte(filter), &jf) // written by CreatePrintJob
	j.Filter = Filter{Status: StatusApproved, Category: jf.Category, Country: jf.Country, Hotel: jf.Hotel, Visit: jf.Visit, Printed: jf.Printed, Q: jf.Q}
	return j, nil
}

// FindPrintJob returns a print job with the parts printed so far.
func (db *DB) FindPrintJob(ctx context.Context, id int64) (PrintJob, error) {
	j, err := scanPrintJob(db.read.QueryRowContext(ctx, "SELECT "+printJobColumns+" FROM print_jobs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, ErrNotFound
	}
	if err != nil {
		return j, fmt.Errorf("print job %d: %w", id, err)
	}
	rows, err := db.read.QueryContext(ctx, "SELECT part, printed_at, printed_by, badges, times FROM print_job_parts WHERE job_id = ?", id)
	if err != nil {
		return j, fmt.Errorf("print job %d: %w", id, err)
	}
	defer rows.Close()
	j.Printed = map[int]PrintedPart{}
	for rows.Next() {
		var n int
		var p PrintedPart
		var at string
		if err := rows.Scan(&n, &at, &p.By, &p.Badges, &p.Times); err != nil {
			return j, err
		}
		p.At = parseTime(at)
		j.Printed[n] = p
	}
	return j, rows.Err()
}

// RecentPrintJobs returns the newest print jobs, without their parts.
func (db *DB) RecentPrintJobs(ctx context.Context, limit int) ([]PrintJob, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+printJobColumns+" FROM print_jobs ORDER BY id DESC LIMIT ?", limit)
	return collect(rows, err, scanPrintJob)
}

// EachInPart calls fn with each badge of part n of job that is still
// approved, in the job's order. A registration cancelled since the job
// was made is left out.
func (db *DB) EachInPart(ctx context.Context, j PrintJob, n int, fn func(*Registration) error) error {
	if n < 1 || n > j.Parts() {
		return ErrNotFound
	}
	first, last := j.PartRange(n)
	rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+` FROM print_job_badges b
		JOIN registrations r ON r.id = b.registration_id
		WHERE b.job_id = ? AND b.seq BETWEEN ? AND ? AND r.status = ? ORDER BY b.seq`, j.ID, first, last, StatusApproved)
	if err != nil {
		return fmt.Errorf("print job %d part %d: %w", j.ID, n, err)
	}
	return eachListed(rows, fn)
}

// PartPrinted counts one more print of each badge in ids, which were part
// n of job, and records the part as printed.
func (db *DB) PartPrinted(ctx context.Context, actor Actor, job int64, n int, ids []int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(db.Now())
		if err := markPrinted(ctx, tx, now, ids); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO print_job_parts (job_id, part, printed_at, printed_by, badges) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (job_id, part) DO UPDATE SET printed_at = excluded.printed_at, printed_by = excluded.printed_by,
			badges = excluded.badges, times = times + 1`, job, n, now, actor.String(), len(ids))
		return err
	})
}
