package store

// Retention: what the settings say to keep, for how long after the
// conference, applied by the server daily and shown beforehand by
// `delegate purge --dry-run`.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Retention rules, by name.
const (
	RetainPassport   = "passport"   // passport data and badge photos
	RetainHealth     = "health"     // dietary and accessibility needs
	RetainInactive   = "inactive"   // every personal value of cancelled and declined registrations
	RetainAccounting = "accounting" // invoices' billed party
	RetainContacts   = "contacts"   // focal points' addresses and delegation requests' contact data
)

// RetentionItem is what one rule erases (or, in a dry run, would).
type RetentionItem struct {
	Rule string
	Due  time.Time // when the rule starts to apply (zero: it is off)
	// References are the registrations it touches (for invoices, their
	// registrations; for contacts, the delegations and requests:
	// "delegation-3", "request-7").
	References []string
}

// retentionRule is a rule with its period in days (0: off) and the query
// of what it touches.
type retentionRule struct {
	rule string
	days int
	list string
}

// registrationsWhere lists the references of the registrations where.
func registrationsWhere(where string) string {
	return "SELECT reference FROM registrations WHERE " + where + " ORDER BY id"
}

// retentionRules are the rules in order.
func retentionRules(s *Settings) []retentionRule {
	return []retentionRule{
		{RetainPassport, s.PassportRetentionDays, registrationsWhere("(passport_sealed IS NOT NULL OR id IN (SELECT registration_id FROM photos))")},
		{RetainHealth, s.HealthRetentionDays, registrationsWhere("(dietary <> '' OR dietary_notes <> '' OR accessibility <> '')")},
		{RetainInactive, s.InactiveRetentionDays, registrationsWhere("status IN ('cancelled', 'rejected') AND erased_at IS NULL")},
		{RetainAccounting, 365 * s.AccountingRetentionYears, registrationsWhere("id IN (SELECT registration_id FROM invoices WHERE billed_name <> '' OR billed_address <> '' OR tax_id <> '')")},
		{RetainContacts, s.ContactRetentionDays, `SELECT 'delegation-' || id FROM delegations WHERE id IN (SELECT delegation_id FROM delegation_focal_points)
			UNION ALL SELECT 'request-' || id FROM delegation_requests WHERE ` + requestContacts + `
			UNION ALL SELECT 'sign-in-links' WHERE EXISTS (SELECT 1 FROM focal_links)`},
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
		rows, err := db.read.QueryContext(ctx, rule.list)
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
	if rule == RetainContacts {
		return db.eraseContacts(ctx, actor)
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

// requestContacts selects the delegation requests that still hold
// someone's contact data.
const requestContacts = "(contact_name <> '' OR email <> '' OR focal_points <> '' OR message <> '' OR reason <> '')"

// eraseContacts erases the contact data of focal points and of those who
// asked for a delegation: the delegations' focal points (who can then no
// longer sign in), their sign-in links, the requests' names, addresses
// and messages, the messages sent to them, and those values in the audit
// log (the fact of each change stays). Delegations keep their names,
// kinds, quotas and members.
func (db *DB) eraseContacts(ctx context.Context, actor Actor) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM delegation_focal_points").Scan(&n); err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM delegation_focal_points",
			"DELETE FROM focal_links",
			"UPDATE delegation_requests SET contact_name = '', email = '', focal_points = '', message = '', reason = '' WHERE " + requestContacts,
			blankOutbox + ` WHERE registration_id IS NULL AND kind IN ('` + MailFocalLink + `', '` + MailRequestReceived + `', '` + MailRequestRefused + `')`,
			"UPDATE audit SET address = '' WHERE action = 'delegation.requested'",
			// what a focal point did stays, not who they were
			"UPDATE audit SET actor = 'focal', address = '' WHERE actor LIKE 'focal:%'",
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("erase contacts: %w", err)
			}
		}
		if err := eraseAuditKeys(ctx, tx, "action LIKE 'delegation.%'", nil, "focal_points", "email", "reason"); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "retention."+RetainContacts, 0, map[string]any{"focal_points": n})
	})
}
