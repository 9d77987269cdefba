package store

import (
	"context"
	"database/sql"
	"errors"
)

// UpdateDelegation changes a delegation's name, kind, country, quotas and
// focal points: a quota cannot go below the places its members hold; a
// focal point added is sent a sign-in link, one removed can no longer
// sign in for it.
func (db *DB) UpdateDelegation(ctx context.Context, actor Actor, d Delegation) (Delegation, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	var added []string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanDelegation(tx.QueryRowContext(ctx, "SELECT "+delegationColumns+" FROM delegations d WHERE d.id = ?", d.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		s, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		_, restricted, err := placesHeld(ctx, tx, s, d.ID)
		if err != nil {
			return err
		}
		v := &ValidationError{}
		if d.Quota < old.Members {
			v.Add("quota", "error.quota_below_members", old.Members)
		}
		if d.RestrictedQuota < restricted {
			v.Add("restricted_quota", "error.quota_below_members", restricted)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE delegations SET name = ?, kind = ?, country = ?, quota = ?, restricted_quota = ?,
			updated_at = ? WHERE id = ?`, d.Name, d.Kind, d.Country, d.Quota, d.RestrictedQuota, formatTime(db.Now()), d.ID); err != nil {
			return err
		}
		before := map[string]bool{}
		for _, e := range old.FocalPoints {
			before[EmailKey(e)] = true
		}
		for _, e := range d.FocalPoints {
			if !before[EmailKey(e)] {
				added = append(added, e)
			}
		}
		if err := setFocalPoints(ctx, tx, d.ID, d.FocalPoints); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "delegation.update", 0, map[string]any{"delegation": d.ID,
			"name": []string{old.Name, d.Name}, "kind": []string{old.Kind, d.Kind}, "country": []string{old.Country, d.Country},
			"quota": []int{old.Quota, d.Quota}, "restricted_quota": []int{old.RestrictedQuota, d.RestrictedQuota},
			"focal_points": []any{old.FocalPoints, d.FocalPoints}})
	})
	if err != nil {
		return d, err
	}
	if err := db.sendFocalLinks(ctx, added, d.Language); err != nil {
		return d, err
	}
	return db.FindDelegation(ctx, d.ID)
}
