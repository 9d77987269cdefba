package store

import (
	"context"
	"database/sql"
)

// DefaultSettings are the facts of ICLC 2015, seeded on first start. The
// hotels and study visits are samples for organisers to replace.
func DefaultSettings() Settings {
	costs := Text{
		En: "The participant or the sending institution bears the costs of international travel, accommodation and daily subsistence; the organisers provide conference materials and meals during the conference.",
		Es: "El participante o la institución que lo envía sufragan los gastos de viaje internacional, alojamiento y manutención; los organizadores proporcionan el material de la conferencia y las comidas durante la conferencia.",
		Fr: "Le participant ou l'institution qui l'envoie prend en charge les frais de voyage international, d'hébergement et de séjour ; les organisateurs fournissent la documentation de la conférence et les repas pendant la conférence.",
	}
	hosted := Text{
		En: "The organisers bear the costs of accommodation and meals during the conference; the participant or the sending institution bears the costs of international travel.",
		Es: "Los organizadores sufragan el alojamiento y las comidas durante la conferencia; el participante o la institución que lo envía sufragan el viaje internacional.",
		Fr: "Les organisateurs prennent en charge l'hébergement et les repas pendant la conférence ; le participant ou l'institution qui l'envoie prend en charge le voyage international.",
	}
	cat := func(code, en, es, fr, colour string, fee, early int64, approval bool, c Text) Category {
		k := Category{Code: code, Name: Text{en, es, fr}, Colour: colour, Fee: fee, EarlyFee: early,
			NeedsApproval: approval, CostsCovered: c}
		if early > 0 {
			k.EarlyDeadline = "2015-07-31"
		}
		return k
	}
	s := Settings{
		Name: Text{
			En: "Second International Conference on Learning Cities",
			Es: "Segunda Conferencia Internacional sobre Ciudades del Aprendizaje",
			Fr: "Deuxième Conférence internationale sur les villes apprenantes",
		},
		ShortName: "ICLC 2015",
		Theme: Text{
			En: "Building Sustainable Learning Cities",
			Es: "Construir ciudades del aprendizaje sostenibles",
			Fr: "Bâtir des villes apprenantes durables",
		},
		Organiser: Text{
			En: "UNESCO Institute for Lifelong Learning and the Government of Mexico City",
			Es: "Instituto de la UNESCO para el Aprendizaje a lo Largo de Toda la Vida y Gobierno de la Ciudad de México",
			Fr: "Institut de l'UNESCO pour l'apprentissage tout au long de la vie et Gouvernement de la ville de Mexico",
		},
		StartDate: "2015-09-28",
		EndDate:   "2015-09-30",
		City:      Text{En: "Mexico City", Es: "Ciudad de México", Fr: "Mexico"},
		Venue: Text{
			En: "Historic centre of Mexico City, Mexico",
			Es: "Centro Histórico de la Ciudad de México, México",
			Fr: "Centre historique de Mexico, Mexique",
		},
		TimeZone: "America/Mexico_City",
		Capacity: 600,
		// a place that comes free is held for the next on the waiting list
		// for two days
		OfferHours: 48,
		Currency:   "USD",
		Secretariat: Contact{
			Name: Text{
				En: "UNESCO Institute for Lifelong Learning (UIL)",
				Es: "Instituto de la UNESCO para el Aprendizaje a lo Largo de Toda la Vida (UIL)",
				Fr: "Institut de l'UNESCO pour l'apprentissage tout au long de la vie (UIL)",
			},
			Address: Text{
				En: "Feldbrunnenstr. 58, 20148 Hamburg, Germany",
				Es: "Feldbrunnenstr. 58, 20148 Hamburgo, Alemania",
				Fr: "Feldbrunnenstr. 58, 20148 Hambourg, Allemagne",
			},
			Phone:   "+49 40 44 80 41 12",
			Fax:     "+49 40 41 077 23",
			Email:   "learningcities@unesco.org",
			Website: "learningcities.uil.unesco.org",
		},
		Signatory: Signatory{
			Name: "",
			Title: Text{
				En: "Director, UNESCO Institute for Lifelong Learning",
				Es: "Director, Instituto de la UNESCO para el Aprendizaje a lo Largo de Toda la Vida",
				Fr: "Directeur, Institut de l'UNESCO pour l'apprentissage tout au long de la vie",
			},
		},
		Categories: []Category{
			cat("mayor", "Mayor or city leader", "Alcalde o líder municipal", "Maire ou dirigeant municipal", "#B22222", 0, 0, true, hosted),
			cat("city_official", "City official", "Funcionario municipal", "Responsable municipal", "#E07B00", 15000, 10000, true, costs),
			cat("member_state", "Member State delegation", "Delegación de Estado Miembro", "Délégation d'État membre", "#1F4E9E", 0, 0, true, costs),
			cat("un_agency", "United Nations agency", "Organismo de las Naciones Unidas", "Institution des Nations Unies", "#4A90D9", 0, 0, true, costs),
			cat("gnlc_partner", "GNLC partner", "Socio de la GNLC", "Partenaire du GNLC", "#2E8B57", 0, 0, true, costs),
			cat("ngo", "Non-governmental organisation", "Organización no gubernamental", "Organisation non gouvernementale", "#6B8E23", 0, 0, true, costs),
			cat("academia", "Academia and research", "Academia e investigación", "Université et recherche", "#7B3FA0", 10000, 7500, true, costs),
			cat("private_sector", "Private sector", "Sector privado", "Secteur privé", "#555555", 30000, 25000, true, costs),
			cat("speaker", "Speaker", "Ponente", "Intervenant", "#C8102E", 0, 0, false, hosted),
			cat("press", "Press", "Prensa", "Presse", "#F2C200", 0, 0, true, costs),
			cat("staff", "Staff", "Personal", "Personnel", "#222222", 0, 0, false, costs),
		},
		Hotels: []Hotel{
			{Code: "sample-hotel-a", Rooms: 150,
				Name:    Text{En: "Sample hotel A (example room block)", Es: "Hotel de ejemplo A (bloque de habitaciones)", Fr: "Hôtel d'exemple A (bloc de chambres)"},
				Address: Text{En: "Historic centre, Mexico City", Es: "Centro Histórico, Ciudad de México", Fr: "Centre historique, Mexico"}},
			{Code: "sample-hotel-b", Rooms: 100,
				Name:    Text{En: "Sample hotel B (example room block)", Es: "Hotel de ejemplo B (bloque de habitaciones)", Fr: "Hôtel d'exemple B (bloc de chambres)"},
				Address: Text{En: "Historic centre, Mexico City", Es: "Centro Histórico, Ciudad de México", Fr: "Centre historique, Mexico"}},
			{Code: "sample-hotel-c", Rooms: 60,
				Name:    Text{En: "Sample hotel C (example room block)", Es: "Hotel de ejemplo C (bloque de habitaciones)", Fr: "Hôtel d'exemple C (bloc de chambres)"},
				Address: Text{En: "Historic centre, Mexico City", Es: "Centro Histórico, Ciudad de México", Fr: "Centre historique, Mexico"}},
		},
		StudyVisits: []StudyVisit{
			{Code: "sample-visit-community", Date: "2015-09-30", Capacity: 40, Name: Text{
				En: "Sample visit: community learning centres",
				Es: "Visita de ejemplo: centros comunitarios de aprendizaje",
				Fr: "Visite d'exemple : centres communautaires d'apprentissage",
			}},
			{Code: "sample-visit-libraries", Date: "2015-09-30", Capacity: 30, Name: Text{
				En: "Sample visit: public libraries and reading programmes",
				Es: "Visita de ejemplo: bibliotecas públicas y programas de lectura",
				Fr: "Visite d'exemple : bibliothèques publiques et programmes de lecture",
			}},
			{Code: "sample-visit-workplace", Date: "2015-09-30", Capacity: 25, Name: Text{
				En: "Sample visit: learning in the workplace",
				Es: "Visita de ejemplo: aprendizaje en el lugar de trabajo",
				Fr: "Visite d'exemple : apprendre au travail",
			}},
		},
	}
	// speakers and staff come by invitation, with an access code
	for i := range s.Categories {
		s.Categories[i].Restricted = s.Categories[i].Code == "speaker" || s.Categories[i].Code == "staff"
	}
	return s
}

func (db *DB) seed(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM settings").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		s := DefaultSettings()
		return writeSettings(ctx, tx, &s, db.Now())
	})
}
