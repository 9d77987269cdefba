package store

// Bank statements: finance uploads the bank's CSV, chooses once which
// columns hold the day, the amount, the currency, the text and the bank's
// reference, and gets each line matched to the registration whose
// reference its text quotes, to confirm in one go.

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"delegate/i18n"
)

// StatementColumns names the statement's columns by their headings.
type StatementColumns struct {
	Date     string `json:"date"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"` // empty: every line is in the fee's currency
	Text     string `json:"text"`
	BankRef  string `json:"bank_ref"` // empty: a line is known again by its day, amount and text
}

// StatementLine is one credit of a bank statement.
type StatementLine struct {
	Line     int
	Date     string // YYYY-MM-DD
	Amount   int64
	Currency string
	Text     string
	BankRef  string
}

// Match is what a statement line comes to.
type Match struct {
	StatementLine
	// Status: "match" (pays the fee, or what is left of it), "partial"
	// (less than what is left), "over" (more), "together" (exactly the
	// fees of the delegation or of the registrations it quotes),
	// "recorded" (this line is in already), "ambiguous" (it quotes more
	// than one registration, or a delegation, but not what they owe),
	// "unknown" (none), "not_owed" (the registration owes nothing) or
	// "currency" (not the fee's currency).
	Status    string
	Reference string // "together": the references it pays, space-separated
	Name      string // "together": the delegation's name, if it quotes one
	Left      int64  // what the registration still owes, in its currency
	// Together are the fees a line that quotes a delegation or several
	// registrations pays, in the line's currency.
	Together []Owed
}

// referencePattern finds a registration's reference in a statement's
// text, however the bank spaced or cased it.
var referencePattern = regexp.MustCompile(`(?i)ICLC[\s-]?([` + referenceAlphabet + `]{6})\b`)

// ReadStatement reads a bank's CSV (comma or semicolon, with a heading
// row) with cols. Lines that are not credits (no amount, or zero or
// less) are passed over; a heading cols names that is missing is an error
// at its field.
func ReadStatement(data []byte, cols StatementColumns, currency string) ([]StatementLine, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, &ValidationError{Fields: map[string]Message{"statement": {Key: "error.statement_empty"}}}
	}
	at := map[string]int{}
	for i, h := range head {
		at[strings.ToLower(strings.TrimSpace(h))] = i
	}
	v := &ValidationError{}
	index := func(field, name string, required bool) int {
		i, ok := at[strings.ToLower(strings.TrimSpace(name))]
		switch {
		case name == "" && !required:
			return -1
		case !ok:
			v.Add("columns."+field, "error.column_missing", name)
		}
		return i
	}
	di, ai, ci, ti, bi := index("date", cols.Date, true), index("amount", cols.Amount, true), index("currency", cols.Currency, false),
		index("text", cols.Text, true), index("bank_ref", cols.BankRef, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	cell := func(rec []string, i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var out []StatementLine
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &ValidationError{Fields: map[string]Message{"statement": {Key: "error.statement_line", Args: []any{line}}}}
		}
		l := StatementLine{Line: line, Currency: strings.ToUpper(cmp.Or(cell(rec, ci), currency)), Text: cell(rec, ti), BankRef: cell(rec, bi)}
		amount, ok := statementAmount(cell(rec, ai), l.Currency)
		if !ok || amount <= 0 {
			continue
		}
		l.Amount = amount
		if l.Date, ok = statementDate(cell(rec, di)); !ok {
			return nil, &ValidationError{Fields: map[string]Message{"statement": {Key: "error.statement_date", Args: []any{line, cell(rec, di)}}}}
		}
		if l.BankRef == "" {
			sum := sha256.Sum256([]byte(l.Date + "|" + strconv.FormatInt(l.Amount, 10) + "|" + l.Text))
			l.BankRef = "line-" + hex.EncodeToString(sum[:8])
		}
		out = append(out, l)
	}
	return out, nil
}

// statementAmount reads an amount as banks write it: 1,234.56 or
// 1.234,56 or 150 or -20.00 (a debit).
func statementAmount(s, currency string) (int64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "'", "").Replace(s)
	if i, j := strings.LastIndex(s, ","), strings.LastIndex(s, "."); i > j {
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".") // the comma is the decimal point
	} else {
		s = strings.ReplaceAll(s, ",", "")
	}
	if strings.HasPrefix(s, "-") {
		return -1, true
	}
	return i18n.ParseAmount(strings.TrimPrefix(s, "+"), currency)
}

// statementDate reads 2015-09-03, 03/09/2015 or 03.09.2015 (day first).
func statementDate(s string) (string, bool) {
	for _, layout := range []string{"2006-01-02", "02/01/2006", "02.01.2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(DateLayout), true
		}
	}
	return "", false
}

// MatchStatement matches each line to the registration its text quotes,
// or to the fees of a delegation or of several registrations it pays
// together.
func (db *DB) MatchStatement(ctx context.Context, lines []StatementLine) ([]Match, error) {
	out := make([]Match, 0, len(lines))
	for _, l := range lines {
		m := Match{StatementLine: l}
		var refs, delegations []string
		for _, sub := range referencePattern.FindAllStringSubmatch(l.Text, -1) {
			if ref := "ICLC-" + strings.ToUpper(sub[1]); !slices.Contains(refs, ref) {
				refs = append(refs, ref)
			}
		}
		for _, sub := range delegationPattern.FindAllStringSubmatch(l.Text, -1) {
			if !slices.Contains(delegations, sub[1]) {
				delegations = append(delegations, sub[1])
			}
		}
		var err error
		switch {
		case len(refs) > 1 || len(delegations) > 0:
			err = db.matchTogether(ctx, &m, refs, delegations)
		case len(refs) == 0:
			m.Status = "unknown"
		default:
			err = db.matchOne(ctx, &m, refs[0])
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// listed is the registration with the reference, without its passport
// (matching a statement decrypts none), and what its fee has had.
func (db *DB) listed(ctx context.Context, reference string) (Registration, Received, error) {
	r, err := scanListed(db.read.QueryRowContext(ctx, "SELECT "+registrationColumns+" FROM registrations WHERE reference = ?", reference))
	if err != nil {
		return r, Received{}, err
	}
	got, err := db.ReceivedFor(ctx, &r)
	return r, got, err
}

// matchOne matches a line that quotes one registration's reference.
func (db *DB) matchOne(ctx context.Context, m *Match, ref string) error {
	r, got, err := db.listed(ctx, ref)
	if errors.Is(err, ErrNotFound) {
		m.Status = "unknown"
		return nil
	}
	if err != nil {
		return err
	}
	m.Reference, m.Name, m.Left = r.Reference, r.FullName(), got.Left
	recorded, err := transferRecorded(ctx, db.read, m.BankRef)
	switch {
	case err != nil:
		return err
	case recorded:
		m.Status = "recorded"
	case !strings.EqualFold(m.Currency, r.Fee.Currency):
		m.Status = "currency"
	case r.PaymentStatus != PaymentUnpaid || !r.Live() || got.Left == 0:
		m.Status = "not_owed"
	case m.Amount == got.Left:
		m.Status = "match"
	case m.Amount < got.Left:
		m.Status = "partial"
	default:
		m.Status = "over"
	}
	return nil
}

// MaxStatementBytes is the largest bank statement finance may upload.
const MaxStatementBytes = 5 << 20
