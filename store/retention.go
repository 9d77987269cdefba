package store

// Retention: what the settings say to keep, for how long after the
// conference, applied by the server daily and shown beforehand by
// `delegate purge --dry-run`.

import (
	"context"
	"database/sql"
	"time"
)

// Retention rules, by name.
const (
	RetainPassport   = "passport"   // passport data and badge photos
	RetainHealth     = "health"     // dietary and accessibility needs
	RetainInactive   = "inactive"   // every personal value of cancelled and declined registrations
	RetainAccounting = "accounting" // invoices' billed party
)

// RetentionItem is what one rule erases (or, in a dry run, would).
type RetentionItem struct {
	Rule       string
	Due        time.Time // when the rule starts to apply (zero: it is off)
	References []string  // the registrations it touches (for invoices, their registrations)
}

// retentionRules are the rules in order, each with its period in days
// (0: off) and the rows it selects.
func retentionRules(s *Settings) []struct {
	rule  string
	days  int
	where string
} {
	return []struct {
		rule  string
		days  int
		where string
	}{
		{RetainPassport, s.PassportRetentionDays, "(passport_sealed IS NOT NULL OR id IN (SELECT registration_id FROM photos))"},
		{RetainHealth, s.HealthRetentionDays, "(dietary <> '' OR dietary_notes <> '' OR accessibility <> '')"},
		{RetainInactive, s.InactiveRetentionDays, "status IN ('cancelled', 'rejected') AND erased_at IS NULL"},
		{RetainAccounting, 365 * s.AccountingRetentionYears, "id IN (SELECT registration_id FROM invoices WHERE billed_name <> '' OR billed_address <> '' OR tax_id <> '')"},
	}
}

// Retain applies the retention settings as of now, or with dryRun only
// says what it would erase. Each rule applies from its period after the
// conference's last day; a rule of 0 days is off.
func (db *DB) Retain(ctx context.Context, actor Actor, dryRun bool) ([]RetentionItem, error) {
	s := db.Settings()
	now := db.Now()
	var out []RetentionItem
	erased := false
	for _, rule := range retentionRules(&s) {
		item := RetentionItem{Rule: rule.rule}
		if rule.days <= 0 {
			out = append(out, item)
			continue
		}
		item.Due = s.End().AddDate(0, 0, rule.days+1)
		if !s.PurgeDue(rule.days, now) {
			out = append(out, item)
			continue
		}
		rows, err := db.read.QueryContext(ctx, "SELECT reference FROM registrations WHERE "+rule.where+" ORDER BY id")
		if item.References, err = collect(rows, err, scanString); err != nil {
			return out, err
		}
		out = append(out, item)
		if dryRun || len(item.References) == 0 {
			continue
		}
		if err := db.applyRetention(ctx, actor, rule.rule, item.References); err != nil {
			return out, err
		}
		erased = true
	}
	if erased {
		db.afterErasure(ctx)
	}
	return out, nil
}

func (db *DB) applyRetention(ctx context.Context, actor Actor, rule string, refs []string) error {
	switch rule {
	case RetainPassport:
		_, err := db.PurgePassports(ctx, actor)
		return err
	case RetainInactive:
		for _, ref := range refs {
			if err := db.eraseOne(ctx, actor, ref); err != nil {
				return err
			}
		}
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE registrations SET dietary = '', dietary_notes = '', accessibility = ''
			WHERE dietary <> '' OR dietary_notes <> '' OR accessibility <> ''`
		if rule == RetainAccounting {
			q = `UPDATE invoices SET billed_name = '', billed_address = '', tax_id = ''
				WHERE billed_name <> '' OR billed_address <> '' OR tax_id <> ''`
		}
		res, err := tx.ExecContext(ctx, q)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return db.audit(ctx, tx, actor, "retention."+rule, 0, map[string]any{"count": n})
	})
}
