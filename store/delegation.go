package store

// Delegations: who nominates whom. A delegation has a quota of places
// (and of places in restricted categories), focal points who sign in to
// nominate its members, and members, each a registration with the
// delegation's id, a head and a protocol rank.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DelegationKinds are the kinds of delegation, in the order the list of
// participants groups them.
var DelegationKinds = []string{"member_state", "associate_member", "observer", "host", "city", "un_system",
	"igo", "ngo", "academia", "private_sector", "press"}

// Credentials a delegation has handed in.
const (
	CredentialsNone     = "none"
	CredentialsCopy     = "copy"
	CredentialsOriginal = "original"
)

// Delegation is one nominating body and its quota.
type Delegation struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	Kind            string     `json:"kind"`
	Country         string     `json:"country"`
	Quota           int        `json:"quota"`
	RestrictedQuota int        `json:"restricted_quota"`
	FocalPoints     []string   `json:"focal_points"`
	NoteVerbale     bool       `json:"note_verbale"`
	Credentials     string     `json:"credentials"`
	CredentialsAt   *time.Time `json:"credentials_at,omitempty"`
	Members         int        `json:"members"` // live members, holding a place of the quota
	// Language is the focal points' language, for the sign-in link each
	// is sent when the delegation is made (English unless given).
	Language string `json:"language,omitempty"`
}

// Validate checks a delegation as an organiser writes it.
func (d *Delegation) Validate() error {
	v := &ValidationError{}
	d.Name = strings.TrimSpace(d.Name)
	text(v, "name", d.Name, 200, true)
	if !slices.Contains(DelegationKinds, d.Kind) {
		v.Add("kind", "error.choice")
	}
	switch {
	case d.Kind == "member_state" || d.Kind == "associate_member" || d.Kind == "city":
		country(v, "country", d.Country)
	case d.Country != "" && !ValidCountry(d.Country):
		v.Add("country", "error.country")
	}
	if d.Quota < 0 {
		v.Add("quota", "error.not_negative")
	}
	if d.RestrictedQuota < 0 || d.RestrictedQuota > d.Quota {
		v.Add("restricted_quota", "error.range", 0, d.Quota)
	}
	if d.Credentials == "" {
		d.Credentials = CredentialsNone
	}
	if !slices.Contains([]string{CredentialsNone, CredentialsCopy, CredentialsOriginal}, d.Credentials) {
		v.Add("credentials", "error.choice")
	}
	seen := map[string]bool{}
	for i, e := range d.FocalPoints {
		e = strings.TrimSpace(e)
		d.FocalPoints[i] = e
		if !validEmail(e) {
			v.Add("focal_points", "error.email")
		}
		if seen[EmailKey(e)] {
			v.Add("focal_points", "error.duplicate")
		}
		seen[EmailKey(e)] = true
	}
	return v.Err()
}

// CreateDelegation stores a new delegation with its focal points, and
// sends each a sign-in link.
func (db *DB) CreateDelegation(ctx context.Context, actor Actor, d Delegation) (Delegation, error) {
	made, err := db.createDelegation(ctx, actor, d, nil)
	if err != nil {
		return made, err
	}
	if err := db.sendFocalLinks(ctx, d.FocalPoints, d.Language); err != nil {
		return Delegation{}, err
	}
	return db.FindDelegation(ctx, made.ID)
}

// createDelegation stores a new delegation, and does also (when given)
// in the same transaction.
func (db *DB) createDelegation(ctx context.Context, actor Actor, d Delegation, also func(tx *sql.Tx, id int64) error) (Delegation, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := formatTime(db.Now())
		res, err := tx.ExecContext(ctx, `INSERT INTO delegations (name, kind, country, quota, restricted_quota, credentials,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.Name, d.Kind, d.Country, d.Quota, d.RestrictedQuota,
			d.Credentials, now, now)
		if err != nil {
			return fmt.Errorf("insert delegation: %w", err)
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := setFocalPoints(ctx, tx, d.ID, d.FocalPoints); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx, d.ID); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, "delegation.create", 0, map[string]any{"delegation": d.ID, "name": d.Name,
			"quota": d.Quota, "focal_points": d.FocalPoints})
	})
	if err != nil {
		return Delegation{}, err
	}
	return d, nil
}

// sendFocalLinks sends each address a sign-in link, in lang (English
// unless one of the conference's languages).
func (db *DB) sendFocalLinks(ctx context.Context, emails []string, lang string) error {
	if !slices.Contains(Languages, lang) {
		lang = "en"
	}
	for _, e := range emails {
		if err := db.SendFocalLink(ctx, e, lang); err != nil {
			return err
		}
	}
	return nil
}

func setFocalPoints(ctx context.Context, tx *sql.Tx, id int64, emails []string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM delegation_focal_points WHERE delegation_id = ?", id); err != nil {
		return err
	}
	for _, e := range emails {
		if _, err := tx.ExecContext(ctx, "INSERT INTO delegation_focal_points (delegation_id, email, email_key) VALUES (?, ?, ?)",
			id, e, EmailKey(e)); err != nil {
			return fmt.Errorf("focal point %s: %w", e, err)
		}
	}
	return nil
}

const delegationColumns = `d.id, d.name, d.kind, d.country, d.quota, d.restricted_quota, d.credentials, d.credentials_at,
	(SELECT count(*) FROM registrations r WHERE r.delegation_id = d.id AND r.` + sqlLive + `),
	coalesce((SELECT group_concat(email, char(10)) FROM (SELECT email FROM delegation_focal_points f WHERE f.delegation_id = d.id ORDER BY email)), ''),
	EXISTS (SELECT 1 FROM notes_verbales n WHERE n.delegation_id = d.id)`

func scanDelegation(row scanner) (Delegation, error) {
	var d Delegation
	var at sql.NullString
	var focal string
	if err := row.Scan(&d.ID, &d.Name, &d.Kind, &d.Country, &d.Quota, &d.RestrictedQuota, &d.Credentials, &at,
		&d.Members, &focal, &d.NoteVerbale); err != nil {
		return d, err
	}
	if at.Valid {
		t := parseTime(at.String)
		d.CredentialsAt = &t
	}
	d.FocalPoints = []string{}
	if focal != "" {
		d.FocalPoints = strings.Split(focal, "\n")
	}
	return d, nil
}

// FindDelegation returns one delegation with its focal points and its
// count of live members.
func (db *DB) FindDelegation(ctx context.Context, id int64) (Delegation, error) {
	d, err := scanDelegation(db.read.QueryRowContext(ctx, "SELECT "+delegationColumns+" FROM delegations d WHERE d.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	return d, err
}

// Delegations lists every delegation by name.
func (db *DB) Delegations(ctx context.Context) ([]Delegation, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+delegationColumns+" FROM delegations d ORDER BY d.name COLLATE NOCASE, d.id")
	return collect(rows, err, scanDelegation)
}

// FocalDelegations are the delegations the address is a focal point of.
func (db *DB) FocalDelegations(ctx context.Context, email string) ([]Delegation, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+delegationColumns+` FROM delegations d
		JOIN delegation_focal_points f ON f.delegation_id = d.id WHERE f.email_key = ? ORDER BY d.name COLLATE NOCASE`, EmailKey(email))
	return collect(rows, err, scanDelegation)
}

// Members are a delegation's registrations, live or not: the head first,
// then by rank (unranked last), then by family name.
func (db *DB) Members(ctx context.Context, delegation int64) ([]Registration, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+` FROM registrations WHERE delegation_id = ?
		ORDER BY delegation_head DESC, protocol_rank = 0, protocol_rank, family_name COLLATE NOCASE, id`, delegation)
	return collect(rows, err, scanListed)
}

// AddMember registers a member of a delegation, with the same checks as
// the public form, within the delegation's quota (a conflict "quota_full"
// past it, "restricted_quota_full" past its places in restricted
// categories) and the conference's capacity, in one transaction of the
// single writer: two focal points adding at once never oversell it.
func (db *DB) AddMember(ctx context.Context, actor Actor, delegation int64, d Details, head bool, rank int) (Registration, error) {
	if rank < 0 || rank > 999 {
		return Registration{}, &ValidationError{Fields: map[string]Message{"rank": {Key: "error.range", Args: []any{0, 999}}}}
	}
	if _, err := db.FindDelegation(ctx, delegation); err != nil {
		return Registration{}, err
	}
	return db.create(ctx, actor, d, membership{delegation: delegation, head: head, rank: rank})
}

// checkQuota refuses a new member past the delegation's quota, or past
// its places in restricted categories for a member of one.
// placesHeld counts the delegation's live members, all and in restricted
// categories: the places of its quotas they hold.
func placesHeld(ctx context.Context, tx *sql.Tx, s *Settings, delegation int64) (live, restricted int, err error) {
	var codes []any
	for _, c := range s.Categories {
		if c.Restricted {
			codes = append(codes, c.Code)
		}
	}
	inRestricted := "0"
	if len(codes) > 0 {
		inRestricted = "category IN (?" + strings.Repeat(", ?", len(codes)-1) + ")"
	}
	err = tx.QueryRowContext(ctx, "SELECT count(*), coalesce(sum("+inRestricted+"), 0) FROM registrations WHERE delegation_id = ? AND "+sqlLive,
		append(codes, delegation)...).Scan(&live, &restricted)
	return live, restricted, err
}

func checkQuota(ctx context.Context, tx *sql.Tx, s *Settings, delegation int64, category string) error {
	var quota, restricted int
	err := tx.QueryRowContext(ctx, "SELECT quota, restricted_quota FROM delegations WHERE id = ?", delegation).Scan(&quota, &restricted)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	live, liveRestricted, err := placesHeld(ctx, tx, s, delegation)
	if err != nil {
		return err
	}
	if live >= quota {
		return &ConflictError{Reason: "quota_full"}
	}
	if cat, _ := s.Category(category); cat.Restricted && liveRestricted >= restricted {
		return &ConflictError{Reason: "restricted_quota_full"}
	}
	return nil
}

// setMembership writes r's delegation, head and rank; a new head takes
// the place of the old.
func setMembership(ctx context.Context, tx *sql.Tx, r *Registration) error {
	if r.Head {
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET delegation_head = 0 WHERE delegation_id = ? AND delegation_head AND id <> ?",
			r.DelegationID, r.ID); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, "UPDATE registrations SET delegation_id = ?, delegation_head = ?, protocol_rank = ? WHERE id = ?",
		r.DelegationID, r.Head, r.Rank, r.ID)
	return err
}

// SetMemberRole marks a member as the head of their delegation (or not)
// and sets their protocol rank.
func (db *DB) SetMemberRole(ctx context.Context, actor Actor, delegation int64, reference string, head bool, rank int) (Registration, error) {
	if rank < 0 || rank > 999 {
		return Registration{}, &ValidationError{Fields: map[string]Message{"rank": {Key: "error.range", Args: []any{0, 999}}}}
	}
	var r Registration
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = db.findForUpdate(ctx, tx, reference); err != nil {
			return err
		}
		if r.DelegationID != delegation {
			return ErrNotFound // another delegation's member is not there to see
		}
		detail := map[string]any{}
		if r.Head != head {
			detail["head"] = []bool{r.Head, head}
		}
		if r.Rank != rank {
			detail["rank"] = []int{r.Rank, rank}
		}
		r.Head, r.Rank = head, rank
		if err := setMembership(ctx, tx, &r); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "registration.member", r.ID, detail)
	})
	return r, err
}

// Substitute replaces a live member of a delegation by another person in
// one transaction: the place moves (the substitute takes the member's
// status, head and rank, and their letter request, which an organiser
// reviews for the new person), the member is cancelled with their letter
// superseded, and nobody is promoted from the waiting list. Each is told
// by email.
func (db *DB) Substitute(ctx context.Context, actor Actor, delegation int64, reference string, d Details) (Registration, error) {
	s := db.Settings()
	now := db.Now()
	if current, err := db.FindRegistration(ctx, reference); err == nil && current.DelegationID == delegation && current.InvitationLetter {
		d.InvitationLetter = true // the request moves: the substitute's passport is asked for
	}
	if err := d.Validate(&s, now); err != nil {
		return Registration{}, err
	}
	if err := db.checkScript(&d); err != nil {
		return Registration{}, err
	}
	token, hash := NewToken()
	var sub Registration
	err := db.tx(ctx, func(tx *sql.Tx) error {
		st, err := db.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		old, err := db.findForUpdate(ctx, tx, reference)
		if err != nil {
			return err
		}
		if old.DelegationID != delegation {
			return ErrNotFound
		}
		if !old.Live() {
			return &ConflictError{Reason: "status_" + old.Status}
		}
		v := &ValidationError{}
		if err := checkEmailFree(ctx, tx, db, v, d.Email, 0); err != nil {
			return err
		}
		if err := checkPlaces(ctx, tx, v, st, &d, nil); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		sub = Registration{Details: d, ManageToken: token, CreatedAt: now, UpdatedAt: now, BadgeVersion: 1,
			Reference: newReference(), DelegationID: delegation, Head: old.Head, Rank: old.Rank}
		was := old.Status
		if err := db.setStatus(ctx, tx, &old, StatusCancelled, ""); err != nil {
			return err
		}
		admit(&sub, st, 0, now)
		sub.Status = was // the place moves as it stood
		if err := db.insert(ctx, tx, &sub, hash); err != nil {
			return fmt.Errorf("insert substitute: %w", err)
		}
		old.Head = false
		if err := setMembership(ctx, tx, &old); err != nil {
			return err
		}
		if err := setMembership(ctx, tx, &sub); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "registration.substituted", old.ID, map[string]any{
			"status": []string{was, StatusCancelled}, "by": sub.Reference}); err != nil {
			return err
		}
		if err := db.audit(ctx, tx, actor, "registration.create", sub.ID, map[string]any{"status": sub.Status, "substitutes": old.Reference}); err != nil {
			return err
		}
		if err := db.queue(ctx, tx, MailCancelled, &old, st); err != nil {
			return err
		}
		if err := db.syncAndTell(ctx, tx, &old, st, false); err != nil {
			return err
		}
		if err := db.queue(ctx, tx, mailFor(sub.Status), &sub, st); err != nil {
			return err
		}
		if sub.InvitationLetter && sub.Status == StatusApproved {
			return db.syncAndTell(ctx, tx, &sub, st, false)
		}
		return nil
	})
	if err != nil {
		return Registration{}, err
	}
	db.signalQueued()
	return sub, nil
}
