package store

// Lists of registrations: the filters, the orders and their cursors, a
// page with its count, and a stream of every row for exports.

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Filter selects registrations for lists and exports.
type Filter struct {
	Status   string
	Category string
	Country  string
	Q        string // words in name, email, reference or organisation; case and accents ignored
	Letter   string // "yes": asked for an invitation letter; "no": did not
	Payment  string
	Hotel    string // a hotel's code, or "none" for own arrangements
	Visit    string // a study visit's code, or "none"
	Printed  string // "no": badges never printed; "yes": printed at least once
	Arrived  string // "no": never checked in; "yes": checked in at least once
	GNLC     string // "member" or "interested": the delegate's answer on the network
	Sort     string // one of SortOrders; default newest first
	Page     int    // from 1
	PerPage  int    // 0 means all
	// After, a Page's Next, starts the page just after that one's last
	// row: the same cost for the thousandth page as for the first.
	After string

	keyset     string // After as a condition
	keysetArgs []any
	noSearch   bool // where leaves out the search
	scanSearch bool // the search by its words alone, without the index
}

// SortOrders are the orders a list can take, by name.
var SortOrders = map[string]string{}

// sortOrder is an order a list can take: its columns, the last one id,
// and the values of a row for them, for the cursor of the next page.
type sortOrder struct {
	columns []string
	desc    bool
	values  func(r *Registration) []any
}

var sortOrders = map[string]sortOrder{
	"newest": {[]string{"created_at", "id"}, true, func(r *Registration) []any { return []any{formatTime(r.CreatedAt), r.ID} }},
	"oldest": {[]string{"created_at", "id"}, false, func(r *Registration) []any { return []any{formatTime(r.CreatedAt), r.ID} }},
	"name": {[]string{"family_name COLLATE NOCASE", "given_names COLLATE NOCASE", "id"}, false,
		func(r *Registration) []any { return []any{r.FamilyName, r.GivenNames, r.ID} }},
	"country": {[]string{"country", "family_name COLLATE NOCASE", "id"}, false,
		func(r *Registration) []any { return []any{r.Country, r.FamilyName, r.ID} }},
	"status": {[]string{"status", "created_at", "id"}, false,
		func(r *Registration) []any { return []any{r.Status, formatTime(r.CreatedAt), r.ID} }},
}

func init() {
	for name, o := range sortOrders {
		SortOrders[name] = o.orderBy()
	}
}

// order is f's sort order; newest first when it names none.
func (f Filter) order() sortOrder {
	if o, ok := sortOrders[f.Sort]; ok {
		return o
	}
	return sortOrders["newest"]
}

func (o sortOrder) orderBy() string {
	cols := slices.Clone(o.columns)
	if o.desc {
		for i := range cols {
			cols[i] += " DESC"
		}
	}
	return strings.Join(cols, ", ")
}

// after is the condition for the rows after the cursor's.
func (o sortOrder) after(cursor string) (string, []any, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	var values []any
	if err == nil {
		err = json.Unmarshal(raw, &values)
	}
	if err != nil || len(values) != len(o.columns) {
		return "", nil, &ValidationError{Fields: map[string]Message{"after": {Key: "error.choice"}}}
	}
	op := ">"
	if o.desc {
		op = "<"
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
	return "(" + strings.Join(o.columns, ", ") + ") " + op + " (" + marks + ")", values, nil
}

// cursor is the After that continues a list after r.
func (o sortOrder) cursor(r *Registration) string {
	raw, _ := json.Marshal(o.values(r))
	return base64.RawURLEncoding.EncodeToString(raw)
}

// Page is one page of a list.
type Page struct {
	Rows []Registration
	// Total is how many match, exactly up to MaxCounted; past it Total is
	// MaxCounted and Capped is set ("more than 2,000").
	Total  int
	Capped bool
	// Next is the After of the next page, "" on the last.
	Next string
}

// MaxCounted is how far a list counts its matches: past it, a count would
// cost more than the page.
const MaxCounted = 2000

// MaxSearchWords and MaxSearchLength bound a search: each word is one
// condition, and SQLite refuses a query of thousands.
const (
	MaxSearchWords  = 10
	MaxSearchLength = 200
)

// Check refuses a search too long to run.
func (f Filter) Check() error {
	if len([]rune(f.Q)) > MaxSearchLength || len(strings.Fields(f.Q)) > MaxSearchWords {
		return &ValidationError{Fields: map[string]Message{"q": {Key: "error.search_too_long", Args: []any{MaxSearchWords}}}}
	}
	return nil
}

func (f Filter) where() (string, []any) {
	var c conditions
	c.addIf("status = ?", f.Status)
	c.addIf("category = ?", f.Category)
	c.addIf("country = ?", strings.ToUpper(f.Country))
	if f.Letter != "" {
		c.add("invitation_letter = ?", f.Letter == "yes")
	}
	c.addIf("payment_status = ?", f.Payment)
	c.addIf("gnlc = ?", f.GNLC)
	for _, p := range []struct{ column, value string }{{"hotel", f.Hotel}, {"study_visit", f.Visit}} {
		switch p.value {
		case "":
		case "none":
			c.add(p.column + " = ''")
		default:
			c.add(p.column+" = ?", p.value)
		}
	}
	switch f.Printed {
	case "no":
		c.add("badge_printed_count = 0")
	case "yes":
		c.add("badge_printed_count > 0")
	}
	switch f.Arrived {
	case "no":
		c.add("checked_in_at IS NULL")
	case "yes":
		c.add("checked_in_at IS NOT NULL")
	}
	if f.keyset != "" {
		c.add(f.keyset, f.keysetArgs...)
	}
	if f.noSearch {
		return c.where()
	}
	words := strings.Fields(Fold(f.Q))
	if q := matchQuery(words); q != "" && !f.scanSearch {
		c.add("id IN (SELECT docid FROM registrations_search WHERE registrations_search MATCH ?)", q)
	}
	for _, word := range words {
		c.add("instr(search, ?) > 0", word)
	}
	return c.where()
}

// searchWindow is how many rows, in the list's order, a search reads first
// for its page: a common word fills a page from them, cheaper than reading
// every match from the index; a rarer one is read from the index.
const searchWindow = 3000

// searchPage is the page of a search when the first searchWindow rows of
// the list (in its order, after the cursor) hold it all; ok is false when
// they hold less than a page and the index must be read.
func (db *DB) searchPage(ctx context.Context, f Filter, order sortOrder) (rows []Registration, ok bool, err error) {
	inner := f
	inner.noSearch = true
	where, args := inner.where()
	owhere, oargs := Filter{Q: f.Q, scanSearch: true}.where() // the words alone
	q := fmt.Sprintf("SELECT %s FROM (SELECT * FROM registrations%s ORDER BY %s LIMIT %d)%s ORDER BY %s LIMIT %d",
		registrationColumns, where, order.orderBy(), searchWindow, owhere, order.orderBy(), f.PerPage+1)
	r, err := db.read.QueryContext(ctx, q, append(args, oargs...)...)
	if rows, err = collect(r, err, scanListed); err != nil {
		return nil, false, err
	}
	return rows, len(rows) > f.PerPage, nil
}

// FindRegistrations returns the registrations that match f (one page of
// them when f.PerPage is set), in f's order, and how many match in all.
// Passport data is not read.
func (db *DB) FindRegistrations(ctx context.Context, f Filter) ([]Registration, int, error) {
	p, err := db.FindPage(ctx, f)
	return p.Rows, p.Total, err
}

// FindPage returns one page of the registrations that match f: the page
// f.After continues, or else f.Page, read through the index of f's order.
// The count comes from the tallies where the filter is a status or none,
// and otherwise stops at MaxCounted.
func (db *DB) FindPage(ctx context.Context, f Filter) (Page, error) {
	var p Page
	if err := f.Check(); err != nil {
		return p, err
	}
	order := f.order()
	var err error
	if p.Total, p.Capped, err = db.count(ctx, f); err != nil { // before f.After is a condition
		return p, fmt.Errorf("count registrations: %w", err)
	}
	if f.After != "" {
		cond, args, err := order.after(f.After)
		if err != nil {
			return p, err
		}
		f.keyset, f.keysetArgs = cond, args
	}
	found := false
	if strings.TrimSpace(f.Q) != "" && f.PerPage > 0 && (f.After != "" || f.Page <= 1) {
		if p.Rows, found, err = db.searchPage(ctx, f, order); err != nil {
			return p, fmt.Errorf("find registrations: %w", err)
		}
	}
	if !found {
		where, args := f.where()
		q := "SELECT " + registrationColumns + " FROM registrations" + where + " ORDER BY " + order.orderBy()
		if f.PerPage > 0 {
			q += fmt.Sprintf(" LIMIT %d", f.PerPage+1)
			if f.After == "" {
				q += fmt.Sprintf(" OFFSET %d", (max(f.Page, 1)-1)*f.PerPage)
			}
		}
		rows, err := db.read.QueryContext(ctx, q, args...)
		if p.Rows, err = collect(rows, err, scanListed); err != nil {
			return p, fmt.Errorf("find registrations: %w", err)
		}
	}
	if f.PerPage > 0 && len(p.Rows) > f.PerPage {
		p.Rows = p.Rows[:f.PerPage]
		p.Next = order.cursor(&p.Rows[len(p.Rows)-1])
	}
	return p, nil
}

// EachRegistration calls fn with every registration that matches f, in
// f's order, from one cursor: a list of any length is read row by row,
// in the memory of one. Passport data is not read. It stops at fn's
// first error and returns it.
func (db *DB) EachRegistration(ctx context.Context, f Filter, fn func(*Registration) error) error {
	if err := f.Check(); err != nil {
		return err
	}
	order := f.order()
	where, args := f.where()
	rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+" FROM registrations"+where+" ORDER BY "+order.orderBy(), args...)
	if err != nil {
		return err
	}
	return eachListed(rows, fn)
}

// eachListed calls fn for each registration in rows, which select
// registrationColumns, and closes rows.
func eachListed(rows *sql.Rows, fn func(*Registration) error) error {
	defer rows.Close()
	for rows.Next() {
		r, err := scanListed(rows)
		if err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// count counts the registrations that match f: from the tallies when f
// filters by status alone or not at all, else up to MaxCounted.
func (db *DB) count(ctx context.Context, f Filter) (n int, capped bool, err error) {
	if f.Category == "" && f.Country == "" && f.Q == "" && f.Letter == "" && f.Payment == "" &&
		f.Hotel == "" && f.Visit == "" && f.Printed == "" && f.Arrived == "" && f.GNLC == "" {
		q := "SELECT coalesce(sum(n), 0) FROM tallies WHERE dim = 'status'"
		var args []any
		if f.Status != "" {
			q += " AND key = ?"
			args = append(args, f.Status)
		}
		err = db.read.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, false, err
	}
	limit, from := MaxCounted, "registrations"
	if q := matchQuery(strings.Fields(Fold(f.Q))); q != "" {
		// the index's matches, streamed, until the (lower) cap
		limit, from = MaxSearchCounted, "registrations_search s JOIN registrations ON registrations.id = s.docid"
		f.scanSearch = true
		where, args := f.where()
		where = " WHERE s.grams MATCH ? AND" + strings.TrimPrefix(where, " WHERE")
		args = append([]any{q}, args...)
		return db.capped(ctx, from, where, args, limit)
	}
	where, args := f.where()
	return db.capped(ctx, from, where, args, limit)
}

// MaxSearchCounted is how far a search counts its matches.
const MaxSearchCounted = 1000

// capped counts the rows of from that match where, up to limit.
func (db *DB) capped(ctx context.Context, from, where string, args []any, limit int) (int, bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM %s%s LIMIT %d)",
		from, where, limit+1), args...).Scan(&n)
	if n > limit {
		return limit, true, err
	}
	return n, false, err
}
