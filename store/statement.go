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
	// (less than what is left), "over" (more), "recorded" (this line is
	// in already), "ambiguous" (its text quotes more than one
	// registration), "unknown" (none), "not_owed" (the registration owes
	// nothing) or "currency" (not the fee's currency).
	Status    string
	Reference string
	Name      string
	Left      int64 // what the registration still owes, in its currency
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

// MatchStatement matches each line to the registration its text quotes.
func (db *DB) MatchStatement(ctx context.Context, lines []StatementLine) ([]Match, error) {
	out := make([]Match, 0, len(lines))
	for _, l := range lines {
		m := Match{StatementLine: l}
		refs := map[string]bool{}
		for _, sub := range referencePattern.FindAllStringSubmatch(l.Text, -1) {
			refs["ICLC-"+strings.ToUpper(sub[1])] = true
		}
		switch {
		case len(refs) > 1:
			m.Status = "ambiguous"
		case len(refs) == 0:
			m.Status = "unknown"
		}
		for ref := range refs {
			if m.Status != "" {
				break
			}
			// the listed columns: matching reads no passport
			r, err := scanListed(db.read.QueryRowContext(ctx, "SELECT "+registrationColumns+" FROM registrations WHERE reference = ?", ref))
			if errors.Is(err, ErrNotFound) {
				m.Status = "unknown"
				break
			}
			if err != nil {
				return nil, err
			}
			got, err := db.ReceivedFor(ctx, &r)
			if err != nil {
				return nil, err
			}
			m.Reference, m.Name, m.Left = r.Reference, r.FullName(), got.Left
			var n int
			if err := db.read.QueryRowContext(ctx, "SELECT count(*) FROM payments WHERE event_id = ?", "transfer-"+l.BankRef).Scan(&n); err != nil {
				return nil, err
			}
			switch {
			case n > 0:
				m.Status = "recorded"
			case !strings.EqualFold(l.Currency, r.Fee.Currency):
				m.Status = "currency"
			case r.PaymentStatus != PaymentUnpaid || !r.Live() || got.Left == 0:
				m.Status = "not_owed"
			case l.Amount == got.Left:
				m.Status = "match"
			case l.Amount < got.Left:
				m.Status = "partial"
			default:
				m.Status = "over"
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// MaxStatementBytes is the largest bank statement finance may upload.
const MaxStatementBytes = 5 << 20
