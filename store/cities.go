package store

// Cities and the Global Network of Learning Cities: the cities delegates
// come from, matched across spellings, whether each belongs to the network
// or wants to join, and who heads its delegation.

import (
	"context"
	"database/sql"
	"slices"
	"strings"
)

// cityCategories are the categories asked about the GNLC: a delegate of
// one of them represents their city.
const cityCategories = "category IN ('mayor', 'city_official')"

// City is one city represented at the conference.
type City struct {
	Name    string // as its head wrote it
	Country string
	// Delegations are the names of the delegations its delegates belong to.
	Delegations []string
	// Head is the head of its delegation, else its first mayor or city
	// leader, else its first delegate.
	Head      string
	GNLC      string // "member" when a delegate says it belongs, "interested" when one says it wants to join, else ""
	Delegates int
	key       string
	headRank  int
}

// Cities are the cities of live delegates of the city categories, one row
// a city however it was spelled, by country and name.
func (db *DB) Cities(ctx context.Context) ([]City, error) {
	names := map[int64]string{}
	delegations, err := db.Delegations(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range delegations {
		names[d.ID] = d.Name
	}
	rows, err := db.read.QueryContext(ctx, `SELECT city, city_key, country, gnlc, category, coalesce(delegation_id, 0), delegation_head,
		given_names, family_name FROM registrations INDEXED BY registrations_city
		WHERE city_key <> '' AND `+cityCategories+` AND `+sqlLive+` ORDER BY country, city_key, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []City
	for rows.Next() {
		var city, key, country, gnlc, category, given, family string
		var delegation int64
		var head bool
		if err := rows.Scan(&city, &key, &country, &gnlc, &category, &delegation, &head, &given, &family); err != nil {
			return nil, err
		}
		if n := len(list); n == 0 || list[n-1].key != key || list[n-1].Country != country {
			list = append(list, City{Name: city, Country: country, key: key, headRank: 99})
		}
		c := &list[len(list)-1]
		c.Delegates++
		if name := names[delegation]; name != "" && !slices.Contains(c.Delegations, name) {
			c.Delegations = append(c.Delegations, name)
		}
		rank := 2 // a city official
		switch {
		case head && delegation != 0:
			rank = 0
		case category == "mayor":
			rank = 1
		}
		if rank < c.headRank {
			c.Head, c.headRank, c.Name = strings.TrimSpace(given+" "+family), rank, city
		}
		if gnlc == "member" || (gnlc == "interested" && c.GNLC == "") {
			c.GNLC = gnlc
		}
	}
	return list, rows.Err()
}

// cityCounts reads the cities represented and those that want to join the
// network (none of whose delegates says it belongs) from the 'city' tally.
func cityCounts(byKey map[string]int) (cities, interested int) {
	status := map[string]string{}
	for key, n := range byKey {
		if n <= 0 {
			continue
		}
		i := strings.LastIndexByte(key, '|')
		city, gnlc := key[:i], key[i+1:]
		if prev, ok := status[city]; !ok || gnlc == "member" || (gnlc == "interested" && prev == "") {
			status[city] = gnlc
		}
	}
	for _, gnlc := range status {
		if gnlc == "interested" {
			interested++
		}
	}
	return len(status), interested
}

// fillCityKeys writes the city key of registrations made before there was
// one (migration 0032), 500 at a time.
func (db *DB) fillCityKeys(ctx context.Context) error {
	for after := int64(0); ; {
		rows, err := db.read.QueryContext(ctx, `SELECT id, city FROM registrations WHERE id > ? AND city <> '' AND city_key = ''
			ORDER BY id LIMIT 500`, after)
		type row struct {
			id   int64
			city string
		}
		list, err := collect(rows, err, func(r scanner) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.city)
		})
		if err != nil || len(list) == 0 {
			return err
		}
		err = db.tx(ctx, func(tx *sql.Tx) error {
			for _, x := range list {
				if _, err := tx.ExecContext(ctx, "UPDATE registrations SET city_key = ? WHERE id = ?", CityKey(x.city), x.id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = list[len(list)-1].id
	}
}
