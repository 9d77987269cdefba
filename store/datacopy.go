package store

// A copy of everything held about one delegate, for the delegate: the
// download on the private page, as JSON and as a page.

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"
)

// DataCopy is every value held about one registration.
type DataCopy struct {
	Registration Registration  `json:"registration"`
	Passport     *PassportCopy `json:"passport,omitempty"`
	Photo        string        `json:"photo,omitempty"` // a data: URL of the badge photo
	Consents     []Consent     `json:"consents"`
	Messages     []MessageCopy `json:"messages"`
	Payments     []PaymentCopy `json:"payments"`
	Invoices     []InvoiceCopy `json:"invoices"`
	CheckIns     []CheckinCopy `json:"check_ins"`
	Letters      []LetterCopy  `json:"letters"`
	Notes        []NoteCopy    `json:"notes"`
	History      []HistoryCopy `json:"history"`
	Access       []HistoryCopy `json:"access"` // who looked: pages, letters, photos and exports
	Delegation   string        `json:"delegation,omitempty"`
	Generated    time.Time     `json:"generated_at"`
}

// PassportCopy is the passport data on file, in the copy alone.
type PassportCopy struct {
	Number      string `json:"number"`
	Expiry      string `json:"expiry"`
	DateOfBirth string `json:"date_of_birth"`
	FamilyName  string `json:"family_name"`
	GivenNames  string `json:"given_names"`
}

// The parts of a copy.
type (
	MessageCopy struct {
		Kind    string     `json:"kind"`
		Subject string     `json:"subject"`
		Text    string     `json:"text"`
		Status  string     `json:"status"`
		Created time.Time  `json:"created_at"`
		Sent    *time.Time `json:"sent_at,omitempty"`
	}
	PaymentCopy struct {
		Kind     string    `json:"kind"`
		Amount   int64     `json:"amount"` // in the currency's minor unit
		Currency string    `json:"currency"`
		Method   string    `json:"method"`
		At       time.Time `json:"at"`
	}
	InvoiceCopy struct {
		Series   string    `json:"series"`
		Number   int64     `json:"number"`
		Billed   string    `json:"billed_to"`
		Address  string    `json:"address,omitempty"`
		TaxID    string    `json:"tax_id,omitempty"`
		Amount   int64     `json:"amount"`
		Currency string    `json:"currency"`
		Issued   time.Time `json:"issued_at"`
	}
	CheckinCopy struct {
		At   time.Time `json:"at"`
		Day  string    `json:"day"`
		Desk string    `json:"desk,omitempty"`
	}
	LetterCopy struct {
		Kind        string    `json:"kind"` // letter or certificate
		Serial      string    `json:"serial"`
		Name        string    `json:"name"`
		Nationality string    `json:"nationality,omitempty"`
		Issued      time.Time `json:"issued_at"`
		Standing    string    `json:"standing"`
	}
	NoteCopy struct {
		Author string    `json:"author"`
		Body   string    `json:"body"`
		At     time.Time `json:"at"`
	}
	HistoryCopy struct {
		At     time.Time      `json:"at"`
		Actor  string         `json:"by"`
		Action string         `json:"what"`
		Detail map[string]any `json:"detail,omitempty"`
	}
)

// CopyOf gathers every value held about r, read with its passport data
// (FindRegistration, FindRegistrationByToken).
func (db *DB) CopyOf(ctx context.Context, r Registration) (DataCopy, error) {
	var err error
	c := DataCopy{Registration: r, Generated: db.Now()}
	c.Registration.PassportNumber, c.Registration.PassportExpiry, c.Registration.DateOfBirth = "", "", ""
	if r.HasPassport || r.PassportFamilyName != "" {
		c.Passport = &PassportCopy{r.PassportNumber, r.PassportExpiry, r.DateOfBirth, r.PassportFamilyName, r.PassportGivenNames}
	}
	if p, err := db.Photo(ctx, r.ID); err == nil {
		c.Photo = "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(p)
	} else if !errors.Is(err, ErrNotFound) {
		return c, err
	}
	if c.Consents, err = db.Consents(ctx, r.ID); err != nil {
		return c, err
	}
	msgs, err := db.FindOutbox(ctx, OutboxFilter{RegistrationID: r.ID})
	if err != nil {
		return c, err
	}
	for _, m := range msgs {
		c.Messages = append(c.Messages, MessageCopy{m.Kind, m.Subject, m.Text, m.Status, m.CreatedAt, m.SentAt})
	}
	pays, err := db.Payments(ctx, r.ID)
	if err != nil {
		return c, err
	}
	for _, p := range pays {
		c.Payments = append(c.Payments, PaymentCopy{p.Kind, p.Amount, p.Currency, p.Method, p.CreatedAt})
	}
	invs, err := db.Invoices(ctx, r.ID)
	if err != nil {
		return c, err
	}
	for _, i := range invs {
		c.Invoices = append(c.Invoices, InvoiceCopy{i.Series, i.Number, i.Name, i.Address, i.TaxID, i.Amount, i.Currency, i.IssuedAt})
	}
	notes, err := db.Notes(ctx, r.ID)
	if err != nil {
		return c, err
	}
	for _, n := range notes {
		c.Notes = append(c.Notes, NoteCopy{n.Author, n.Body, n.CreatedAt})
	}
	if err := db.copyRows(ctx, &c, r); err != nil {
		return c, err
	}
	return c, nil
}

// copyRows reads the check-ins, letters, certificates, history and access
// of r into c.
func (db *DB) copyRows(ctx context.Context, c *DataCopy, r Registration) error {
	rows, err := db.read.QueryContext(ctx, "SELECT at, day, desk FROM checkins WHERE registration_id = ? ORDER BY at", r.ID)
	c.CheckIns, err = collect(rows, err, func(row scanner) (CheckinCopy, error) {
		var k CheckinCopy
		var at string
		err := row.Scan(&at, &k.Day, &k.Desk)
		k.At = parseTime(at)
		return k, err
	})
	if err != nil {
		return err
	}
	rows, err = db.read.QueryContext(ctx, "SELECT "+letterColumns+" FROM letters WHERE registration_id = ? ORDER BY id", r.ID)
	letters, err := collect(rows, err, scanLetter)
	if err != nil {
		return err
	}
	for _, l := range letters {
		c.Letters = append(c.Letters, LetterCopy{"letter", l.Serial, l.Name, l.Nationality, l.IssuedAt, l.Standing()})
	}
	// the certificate on file, if any (Certificate would issue one)
	if cert, err := scanCertificate(db.read.QueryRowContext(ctx, "SELECT "+certificateColumns+" FROM certificates WHERE registration_id = ?", r.ID)); err == nil {
		standing := "valid"
		if cert.RevokedAt != nil {
			standing = "revoked"
		}
		c.Letters = append(c.Letters, LetterCopy{"certificate", cert.Serial, cert.Name, "", cert.IssuedAt, standing})
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	var delegation sql.NullString
	db.read.QueryRowContext(ctx, "SELECT name FROM delegations WHERE id = ?", r.DelegationID).Scan(&delegation)
	c.Delegation = delegation.String
	rows, err = db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit WHERE registration_id = ?
		OR (action = 'access.export' AND at >= ?) ORDER BY id`, r.ID, formatTime(r.CreatedAt))
	entries, err := collect(rows, err, func(row scanner) (AuditEntry, error) { return scanAuditEntry(row) })
	if err != nil {
		return err
	}
	for _, e := range entries {
		h := HistoryCopy{e.At, e.Actor, e.Action, e.Detail}
		if isAccess(e.Action) {
			c.Access = append(c.Access, h)
		} else {
			c.History = append(c.History, h)
		}
	}
	return nil
}
