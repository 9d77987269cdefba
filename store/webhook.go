package store

// Outgoing webhooks: organisers add an endpoint and the events it hears;
// each change that is one of those events writes a delivery in its own
// transaction, which the webhook worker sends, signed, at least once.
// A delivery never carries passport data.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Webhook events.
const (
	HookCreated   = "registration.created"
	HookApproved  = "registration.approved"
	HookCancelled = "registration.cancelled"
	HookPaid      = "registration.paid"
	HookCheckedIn = "registration.checked_in"
)

// HookEvents lists the events an endpoint can hear.
var HookEvents = []string{HookCreated, HookApproved, HookCancelled, HookPaid, HookCheckedIn}

// Webhook is an endpoint.
type Webhook struct {
	ID        int64
	URL       string
	Events    []string
	Active    bool
	CreatedAt time.Time
	CreatedBy string
}

// HookDelivery is one delivery to an endpoint, with what it answered.
type HookDelivery struct {
	ID, EndpointID int64
	URL            string
	Event, EventID string
	Payload        string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	AnswerStatus   int
	Answer         string
	LastError      string
	CreatedAt      time.Time
	DeliveredAt    *time.Time
	// Secret signs the delivery; set by DueHookDeliveries alone.
	Secret []byte
}

func hookAAD(id int64) []byte { return []byte("webhook:" + strconv.FormatInt(id, 10)) }

// CreateWebhook adds an endpoint for events and returns it with its
// signing secret, which is shown once.
func (db *DB) CreateWebhook(ctx context.Context, actor Actor, rawURL string, events []string) (Webhook, string, error) {
	v := &ValidationError{}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(rawURL) > 500 || u.User != nil:
		v.Add("url", "error.webhook_url")
	case !db.privateWebhooks && privateHost(u.Hostname()):
		v.Add("url", "error.webhook_private")
	}
	if len(events) == 0 {
		v.Add("events", "error.webhook_events")
	}
	for _, e := range events {
		if !slices.Contains(HookEvents, e) {
			v.Add("events", "error.webhook_events")
		}
	}
	if err := v.Err(); err != nil {
		return Webhook{}, "", err
	}
	raw := make([]byte, 24)
	rand.Read(raw)
	secret := "whsec_" + hex.EncodeToString(raw)
	w := Webhook{URL: u.String(), Events: events, Active: true, CreatedAt: db.Now(), CreatedBy: actor.String()}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO webhook_endpoints (url, events, secret_sealed, created_at, created_by) VALUES (?, ?, x'', ?, ?)",
			w.URL, strings.Join(events, ","), formatTime(w.CreatedAt), w.CreatedBy)
		if err != nil {
			return err
		}
		if w.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE webhook_endpoints SET secret_sealed = ? WHERE id = ?",
			seal(db.passportKey, []byte(secret), hookAAD(w.ID)), w.ID); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "webhook.create", 0, map[string]any{"url": w.URL, "events": events})
	})
	return w, secret, err
}

// SetWebhookActive turns an endpoint on or off; an endpoint off hears
// nothing new.
func (db *DB) SetWebhookActive(ctx context.Context, actor Actor, id int64, active bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE webhook_endpoints SET active = ? WHERE id = ?", active, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return db.audit(ctx, tx, actor, "webhook.active", 0, map[string]any{"id": id, "active": active})
	})
}

// Webhooks lists the endpoints.
func (db *DB) Webhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT id, url, events, active, created_at, created_by FROM webhook_endpoints ORDER BY id")
	return collect(rows, err, func(row scanner) (Webhook, error) {
		var w Webhook
		var events, at string
		err := row.Scan(&w.ID, &w.URL, &events, &w.Active, &at, &w.CreatedBy)
		w.Events, w.CreatedAt = strings.Split(events, ","), parseTime(at)
		return w, err
	})
}

// hookPayload is what a delivery says of a registration: never its
// passport data nor its private link.
type hookPayload struct {
	ID           string      `json:"id"`
	Event        string      `json:"event"`
	CreatedAt    time.Time   `json:"created_at"`
	Registration hookSubject `json:"registration"`
}

type hookSubject struct {
	Reference     string     `json:"reference"`
	Status        string     `json:"status"`
	PaymentStatus string     `json:"payment_status"`
	Category      string     `json:"category"`
	Country       string     `json:"country"`
	Language      string     `json:"language"`
	Title         string     `json:"title,omitempty"`
	GivenNames    string     `json:"given_names"`
	FamilyName    string     `json:"family_name"`
	Organisation  string     `json:"organisation"`
	JobTitle      string     `json:"job_title"`
	Email         string     `json:"email"`
	DelegationID  int64      `json:"delegation_id,omitempty"`
	CheckedInAt   *time.Time `json:"checked_in_at,omitempty"`
}

// emit writes a delivery of event about r to every active endpoint that
// hears it, in the change's transaction.
func (db *DB) emit(ctx context.Context, tx *sql.Tx, event string, r *Registration) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, events FROM webhook_endpoints WHERE active")
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var events string
		if err := rows.Scan(&id, &events); err != nil {
			rows.Close()
			return err
		}
		if slices.Contains(strings.Split(events, ","), event) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	raw := make([]byte, 12)
	rand.Read(raw)
	now := db.Now()
	p := hookPayload{ID: "evt_" + hex.EncodeToString(raw), Event: event, CreatedAt: now, Registration: hookSubject{
		Reference: r.Reference, Status: r.Status, PaymentStatus: r.PaymentStatus, Category: r.Category, Country: r.Country,
		Language: r.Language, Title: r.Title, GivenNames: r.GivenNames, FamilyName: r.FamilyName, Organisation: r.Organisation,
		JobTitle: r.JobTitle, Email: r.Email, DelegationID: r.DelegationID, CheckedInAt: r.CheckedInAt}}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (endpoint_id, registration_id, event, event_id, payload, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, r.ID, event, p.ID, string(body), formatTime(now), formatTime(now)); err != nil {
			return fmt.Errorf("webhook %s: %w", event, err)
		}
	}
	return nil
}

const hookDeliveryColumns = `d.id, d.endpoint_id, e.url, d.event, d.event_id, d.payload, d.status, d.attempts, d.next_attempt_at,
	d.answer_status, d.answer, d.last_error, d.created_at, d.delivered_at`

// scanHookDelivery reads a row of hookDeliveryColumns, then extra.
func scanHookDelivery(row scanner, extra ...any) (HookDelivery, error) {
	var d HookDelivery
	var next, created string
	var delivered sql.NullString
	err := row.Scan(append([]any{&d.ID, &d.EndpointID, &d.URL, &d.Event, &d.EventID, &d.Payload, &d.Status, &d.Attempts, &next,
		&d.AnswerStatus, &d.Answer, &d.LastError, &created, &delivered}, extra...)...)
	d.NextAttemptAt, d.CreatedAt, d.DeliveredAt = parseTime(next), parseTime(created), parseTimeNull(delivered)
	return d, err
}

// DueHookDeliveries are the deliveries due at now, oldest first, each with
// its endpoint's secret.
func (db *DB) DueHookDeliveries(ctx context.Context, now time.Time, limit int) ([]HookDelivery, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+hookDeliveryColumns+`, e.secret_sealed FROM webhook_deliveries d
		JOIN webhook_endpoints e ON e.id = d.endpoint_id
		WHERE d.status = 'queued' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?`, formatTime(now), limit)
	return collect(rows, err, func(row scanner) (HookDelivery, error) {
		var sealed []byte
		d, err := scanHookDelivery(row, &sealed)
		if err != nil {
			return d, err
		}
		d.Secret, err = open(db.passportKey, sealed, hookAAD(d.EndpointID))
		return d, err
	})
}

// HookAttempt is what one attempt at a delivery came to.
type HookAttempt struct {
	ID           int64
	Status       string // sent, queued (to try again at Next) or failed
	AnswerStatus int
	Answer       string
	Error        string
	Next         time.Time
}

// RecordHookAttempts writes what attempts came to.
func (db *DB) RecordHookAttempts(ctx context.Context, attempts []HookAttempt) error {
	now := formatTime(db.Now())
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, a := range attempts {
			var delivered any
			if a.Status == OutboxSent {
				delivered = now
			}
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, answer_status = ?,
				answer = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at), delivered_at = ? WHERE id = ?`,
				a.Status, a.AnswerStatus, a.Answer, a.Error, nullTime(a.Next), delivered, a.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// HookDeliveries lists the latest deliveries, newest first.
func (db *DB) HookDeliveries(ctx context.Context, limit int) ([]HookDelivery, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+hookDeliveryColumns+` FROM webhook_deliveries d
		JOIN webhook_endpoints e ON e.id = d.endpoint_id ORDER BY d.id DESC LIMIT ?`, limit)
	return collect(rows, err, func(row scanner) (HookDelivery, error) { return scanHookDelivery(row) })
}

// PrivateAddress reports whether a is one a webhook must not reach
// unless private webhooks are allowed: loopback, private, shared (CGNAT),
// link-local (cloud metadata services among them), unspecified or
// multicast. The worker checks each address it connects to, after DNS.
func PrivateAddress(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsUnspecified() ||
		a.IsMulticast() || a.IsInterfaceLocalMulticast() || sharedSpace.Contains(a) || thisNetwork.Contains(a)
}

var (
	sharedSpace = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
)

// privateHost reports whether an address's host is plainly private: a
// private address written out, or localhost. (A name that resolves to
// one is refused when the worker connects.)
func privateHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && PrivateAddress(a)
}
