package demo

import (
	"context"
	"errors"
	"fmt"

	"delegate/store"
)

// cityOfficials are the city hall's delegation, given and family names.
var cityOfficials = [][2]string{{"Rosa Elena", "Quintero"}, {"Juan Camilo", "Arango"}}

// nominated is how many of the demo's registrations the delegations
// nominate, with nd National Commissions' (and then the city hall's).
func nominated(nd int) int {
	if nd == 0 {
		return 0
	}
	return membersEach*nd + len(cityOfficials)
}

// cityDelegation adds a city hall's delegation whose two officials owe
// their fees, for the pro-forma invoice of a whole delegation and the one
// transfer that pays it (journey 10); it returns how many it added.
func cityDelegation(ctx context.Context, db *store.DB, actor store.Actor) (int, error) {
	d, err := db.CreateDelegation(ctx, actor, store.Delegation{Name: "Alcaldía de Medellín (example)", Kind: "city", Country: "CO",
		Quota: 3, FocalPoints: []string{"hacienda@example.co"}, Language: "es"})
	if err != nil {
		return 0, fmt.Errorf("demo city delegation: %w", err)
	}
	focal := store.Actor{Kind: "focal", Name: "hacienda@example.co"}
	added := 0
	for i, m := range cityOfficials {
		_, err := db.AddMember(ctx, focal, d.ID, store.Details{GivenNames: m[0], FamilyName: m[1],
			Email: fmt.Sprintf("official%d@example.co", i+1), Organisation: "Alcaldía de Medellín", JobTitle: "Secretaría de Educación",
			Country: "CO", City: "Medellín", Category: "city_official", Language: "es", ConsentPrivacy: true}, i == 0, i+1)
		var ce *store.ConflictError
		switch {
		case err == nil:
			added++
		case store.IsDuplicate(err) || errors.As(err, &ce): // the conference closed or full
		default:
			return added, fmt.Errorf("demo city official: %w", err)
		}
	}
	return added, nil
}
