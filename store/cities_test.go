package store_test

import (
	"context"
	"testing"

	"delegate/store"
)

// Cities are matched across spellings: "Ciudad de México", "ciudad de
// mexico" and "Ciudad-de-Mexico" are one city, counted once on the
// dashboard and reported once; a city one delegate says belongs to the
// GNLC is a member whatever another says; the head of its delegation
// heads it in the report, with the city as they spell it (14.8).
func TestCitiesAcrossSpellings(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	dlg, err := db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Gobierno de la Ciudad de México", Kind: "host", Country: "MX", Quota: 5})
	if err != nil {
		t.Fatal(err)
	}
	city := func(email, given, name, country, category, gnlc string) store.Details {
		d := details(email)
		d.GivenNames, d.City, d.Country, d.Category, d.GNLC = given, name, country, category, gnlc
		return d
	}
	if _, err := db.AddMember(ctx, store.System, dlg.ID, city("official@cdmx.mx", "Ana", "ciudad de mexico", "MX", "city_official", "interested"), false, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddMember(ctx, store.System, dlg.ID, city("mayor@cdmx.mx", "Miguel", "Ciudad de México", "MX", "mayor", "interested"), true, 1); err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Details{
		city("walkin@cdmx.mx", "Luis", "Ciudad-de-Mexico", "MX", "city_official", ""),
		city("a@medellin.co", "Rosa", "Medellín", "CO", "mayor", "member"),
		city("b@medellin.co", "Juan", "MEDELLIN", "CO", "city_official", "interested"),
		city("c@cali.co", "Eva", "Cali", "CO", "city_official", "interested"),
		city("d@cali.mx", "Eva", "Cali", "MX", "city_official", ""),             // another country: another city
		city("minister@example.co", "Iván", "Bogotá", "CO", "member_state", ""), // not a city category
	} {
		if _, err := db.CreateRegistration(ctx, store.System, d); err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Cities != 4 || st.CitiesInterested != 2 {
		t.Errorf("%d cities, %d wanting to join; want 4 (Cali CO, Cali MX, Medellín, Mexico City) and 2 (Mexico City, Cali CO)", st.Cities, st.CitiesInterested)
	}
	cities, err := db.Cities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cities) != 4 {
		t.Fatalf("cities: %+v", cities)
	}
	byName := map[string]store.City{}
	for _, c := range cities {
		byName[c.Country+" "+c.Name] = c
	}
	mx, med := byName["MX Ciudad de México"], byName["CO Medellín"]
	if mx.Delegates != 3 || mx.GNLC != "interested" || mx.Head != "Miguel Núñez" || len(mx.Delegations) != 1 || mx.Delegations[0] != dlg.Name {
		t.Errorf("Mexico City: %+v", mx)
	}
	if med.Delegates != 2 || med.GNLC != "member" || med.Head != "Rosa Núñez" {
		t.Errorf("Medellín: %+v", med)
	}
	// a delegate who cancels leaves the count
	list, _, _ := db.FindRegistrations(ctx, store.Filter{Q: "c@cali.co"})
	if _, err := db.CancelRegistration(ctx, store.System, list[0].Reference, ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Stats(ctx); st.Cities != 3 || st.CitiesInterested != 1 {
		t.Errorf("after a cancellation: %d cities, %d wanting to join; want 3, 1", st.Cities, st.CitiesInterested)
	}
}

// The numbers of each delegation: nominated, approved and checked in,
// and the Member States represented (14.6).
func TestNumbersByDelegation(t *testing.T) {
	t.Parallel()
	db := mustOpen(t)
	ctx := context.Background()
	co := delegation(t, db, "Colombia", 5)
	pe, err := db.CreateDelegation(ctx, store.System, store.Delegation{Name: "Perú", Kind: "member_state", Country: "PE", Quota: 3})
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, email := range []string{"a@example.co", "b@example.co", "c@example.co"} {
		r, err := db.AddMember(ctx, store.System, co.ID, details(email), false, 0)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r.Reference)
	}
	for _, ref := range refs[:2] {
		if _, err := db.ApproveRegistration(ctx, store.System, ref); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CheckIn(ctx, store.Actor{Kind: "user", Name: "desk@example.org"}, store.CheckinRequest{Reference: refs[0]}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateRegistration(ctx, store.System, details("walkin@example.co")); err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][3]int{co.ID: {3, 2, 1}, pe.ID: {0, 0, 0}}
	if len(st.Delegations) != 2 {
		t.Fatalf("delegations: %+v", st.Delegations)
	}
	for _, d := range st.Delegations {
		if got := [3]int{d.Nominated, d.Approved, d.CheckedIn}; got != want[d.ID] {
			t.Errorf("%s: nominated, approved, checked in %v, want %v", d.Name, got, want[d.ID])
		}
	}
	if st.MemberStates != 1 || st.MemberStatesExpected != 100 {
		t.Errorf("Member States represented: %d of %d, want 1 (Peru has nobody yet) of 100", st.MemberStates, st.MemberStatesExpected)
	}
}
