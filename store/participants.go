package store

// The list of participants as the UN prints it: approved delegates who
// have not opted out, part by part (Member States, Associate Members,
// observers, the host city, cities, the United Nations system, …, the
// secretariat), group by group (a country, a delegation, a city, an
// organisation) in the reader's alphabetical order, and in each group the
// head of delegation first, then by protocol rank, then by family name.

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
)

// ListParts are the parts of the list of participants, in its order.
var ListParts = []string{"member_state", "associate_member", "observer", "host", "city", "un_system",
	"igo", "ngo", "academia", "private_sector", "press", "other", "secretariat"}

// categoryParts places a delegate who came without a delegation by their
// category; a category not here (one an organiser added) is "other".
var categoryParts = map[string]string{
	"member_state": "member_state", "mayor": "city", "city_official": "city", "un_agency": "un_system",
	"gnlc_partner": "ngo", "ngo": "ngo", "academia": "academia", "private_sector": "private_sector",
	"press": "press", "speaker": "other", "staff": "secretariat",
}

// ListGroup is one heading of the list of participants.
type ListGroup struct {
	Part string
	// Country is the ISO code of a Member State or Associate Member
	// (which the list names by its country) and of a city.
	Country string
	// Name is the delegation's, city's or organisation's name; empty for a
	// Member State and for a part with no headings (the secretariat).
	Name string
}

// CityKey makes city names comparable across spellings: no accents, no
// case, punctuation as spaces ("Ciudad de México", "ciudad de mexico"
// and "Ciudad-de-Mexico" are one city).
func CityKey(city string) string {
	return strings.Join(strings.FieldsFunc(Fold(city), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// listRow is what the list sorts by, read before the rows themselves.
type listRow struct {
	id           int64
	group        int
	head         bool
	rank         int
	family, name []byte // collation keys
}

// ListOrder is how the reader's language orders the list: Group compares
// two headings; Key makes a collation key of a name.
type ListOrder struct {
	Group func(a, b ListGroup) int
	Key   func(string) []byte
}

// EachListed calls fn with each registration of the list of participants
// in the list's order, with its heading. It reads the columns it sorts by
// for the whole list (some 100 bytes a delegate), then the registrations
// 500 at a time in that order.
func (db *DB) EachListed(ctx context.Context, order ListOrder, fn func(ListGroup, *Registration) error) error {
	delegations, err := db.Delegations(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]Delegation{}
	for _, d := range delegations {
		byID[d.ID] = d
	}
	host := map[string]bool{}
	for _, c := range []string{db.Settings().City.En, db.Settings().City.Es, db.Settings().City.Fr} {
		if c != "" {
			host[CityKey(c)] = true
		}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, coalesce(delegation_id, 0), delegation_head, protocol_rank, family_name, given_names,
		category, country, city, organisation FROM registrations WHERE status = 'approved' AND list_opt_out = 0`)
	if err != nil {
		return err
	}
	var groups []ListGroup
	index := map[ListGroup]int{} // by the folded heading
	var list []listRow
	for rows.Next() {
		var r listRow
		var delegation int64
		var family, given, category, country, city, org string
		if err := rows.Scan(&r.id, &delegation, &r.head, &r.rank, &family, &given, &category, &country, &city, &org); err != nil {
			rows.Close()
			return err
		}
		g := listGroup(byID[delegation], category, country, city, org, host)
		key := ListGroup{Part: g.Part, Country: g.Country, Name: CityKey(g.Name)}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, g)
		}
		r.group, r.head = i, r.head && delegation != 0
		r.family, r.name = order.Key(family), order.Key(given)
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// the groups in order, then each row by its group's place
	sorted := make([]int, len(groups))
	for i := range sorted {
		sorted[i] = i
	}
	slices.SortFunc(sorted, func(a, b int) int {
		ga, gb := groups[a], groups[b]
		if c := slices.Index(ListParts, ga.Part) - slices.Index(ListParts, gb.Part); c != 0 {
			return c
		}
		return order.Group(ga, gb)
	})
	place := make([]int, len(groups))
	for p, g := range sorted {
		place[g] = p
	}
	slices.SortFunc(list, func(a, b listRow) int {
		switch {
		case place[a.group] != place[b.group]:
			return place[a.group] - place[b.group]
		case a.head != b.head:
			if a.head {
				return -1
			}
			return 1
		case a.rank != b.rank:
			if a.rank == 0 || b.rank == 0 { // unranked last
				return b.rank - a.rank
			}
			return a.rank - b.rank
		}
		if c := slices.Compare(a.family, b.family); c != 0 {
			return c
		}
		if c := slices.Compare(a.name, b.name); c != 0 {
			return c
		}
		return int(a.id - b.id)
	})
	for start := 0; start < len(list); start += 500 {
		part := list[start:min(start+500, len(list))]
		byRow := make(map[int64]*Registration, len(part))
		args := make([]any, len(part))
		for i, r := range part {
			args[i] = r.id
		}
		err := func() error {
			rows, err := db.read.QueryContext(ctx, "SELECT "+registrationColumns+" FROM registrations WHERE id IN ("+placeholders(len(part))+")", args...)
			if err != nil {
				return err
			}
			return eachListed(rows, func(r *Registration) error {
				c := *r
				byRow[r.ID] = &c
				return nil
			})
		}()
		if err != nil {
			return err
		}
		for _, r := range part {
			if reg, ok := byRow[r.id]; ok { // gone since: left out
				if err := fn(groups[r.group], reg); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// listGroup is the heading a delegate is listed under: their
// delegation's, or else their category's, with their country, city or
// organisation.
func listGroup(d Delegation, category, country, city, org string, host map[string]bool) ListGroup {
	if d.ID != 0 { // a member of d
		switch d.Kind {
		case "member_state", "associate_member":
			return ListGroup{Part: d.Kind, Country: d.Country}
		}
		return ListGroup{Part: d.Kind, Country: d.Country, Name: d.Name}
	}
	part, ok := categoryParts[category]
	if !ok {
		part = "other"
	}
	switch {
	case part == "city" && host[CityKey(city)]:
		return ListGroup{Part: "host", Country: country, Name: city}
	case part == "city":
		return ListGroup{Part: "city", Country: country, Name: city}
	case part == "member_state" || part == "other":
		return ListGroup{Part: part, Country: country}
	case part == "secretariat":
		return ListGroup{Part: part}
	}
	return ListGroup{Part: part, Name: org}
}

// placeholders is "?, ?, …" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Versions of a published list of participants.
const (
	ListProvisional = "provisional"
	ListFinal       = "final"
)

// PublishedList is a version of the list of participants an organiser
// published; its files are kept as published.
type PublishedList struct {
	ID          int64
	Version     string
	PublishedAt time.Time
	PublishedBy string
	Entries     int
}

// ListFile is one language and format of a published list.
type ListFile struct {
	Lang, Format string
	Body         []byte
}

// PublishList keeps the files of a version of the list of participants
// as published now, with how many delegates it lists.
func (db *DB) PublishList(ctx context.Context, actor Actor, version string, at time.Time, entries int, files []ListFile) (PublishedList, error) {
	if version != ListProvisional && version != ListFinal {
		return PublishedList{}, &ValidationError{Fields: map[string]Message{"version": {Key: "error.choice"}}}
	}
	p := PublishedList{Version: version, PublishedAt: at, PublishedBy: cmp.Or(actor.Name, actor.String()), Entries: entries}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO participant_lists (version, published_at, published_by, entries) VALUES (?, ?, ?, ?)",
			version, formatTime(at), p.PublishedBy, entries)
		if err != nil {
			return err
		}
		if p.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, f := range files {
			if _, err := tx.ExecContext(ctx, "INSERT INTO participant_list_files (list_id, lang, format, body) VALUES (?, ?, ?, ?)",
				p.ID, f.Lang, f.Format, f.Body); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, actor, "participants.published", 0, map[string]any{"list": p.ID, "version": version, "entries": entries})
	})
	return p, err
}

const publishedColumns = "SELECT id, version, published_at, published_by, entries FROM participant_lists"

func scanPublished(row scanner) (PublishedList, error) {
	var p PublishedList
	var at string
	err := row.Scan(&p.ID, &p.Version, &at, &p.PublishedBy, &p.Entries)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	p.PublishedAt = parseTime(at)
	return p, err
}

// PublishedLists are the versions published, the latest first.
func (db *DB) PublishedLists(ctx context.Context) ([]PublishedList, error) {
	rows, err := db.read.QueryContext(ctx, publishedColumns+" ORDER BY id DESC")
	return collect(rows, err, scanPublished)
}

// LatestList is the version published last, or ErrNotFound.
func (db *DB) LatestList(ctx context.Context) (PublishedList, error) {
	return scanPublished(db.read.QueryRowContext(ctx, publishedColumns+" ORDER BY id DESC LIMIT 1"))
}

// FindPublishedList is one published version, or ErrNotFound.
func (db *DB) FindPublishedList(ctx context.Context, id int64) (PublishedList, error) {
	return scanPublished(db.read.QueryRowContext(ctx, publishedColumns+" WHERE id = ?", id))
}

// ListFileOf is a published list's file in a language and format.
func (db *DB) ListFileOf(ctx context.Context, list int64, lang, format string) ([]byte, error) {
	var body []byte
	err := db.read.QueryRowContext(ctx, "SELECT body FROM participant_list_files WHERE list_id = ? AND lang = ? AND format = ?",
		list, lang, format).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return body, err
}

// SetListOptOut leaves a registration out of the published list of
// participants, or puts it back.
func (db *DB) SetListOptOut(ctx context.Context, actor Actor, reference string, out bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM registrations WHERE reference = ?", reference).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET list_opt_out = ?, updated_at = ? WHERE id = ?",
			out, formatTime(db.Now()), id); err != nil {
			return err
		}
		return db.audit(ctx, tx, actor, "registration.list_opt_out", id, map[string]any{"opt_out": out, "reference": reference})
	})
}
