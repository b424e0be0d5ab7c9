// Names, companies and addresses for demo data that reads like a real European events agency's CRM:
// people from eight countries with names of their own country, companies with plausible names in
// their cities, and complete postal addresses (street and number, postal code in the country's format,
// city, country). Everything is deterministic (the same index gives the same person), and no two people
// and no two companies get the same name.

/** One country's names, cities and street names. */
interface Region {
  country: string;
  dial: string;
  firstNames: readonly string[];
  lastNames: readonly string[];
  /** City, postal code (in the country's format), the first city weighted as the capital. */
  cities: readonly (readonly [city: string, postalCode: string])[];
  streets: readonly string[];
  /** How a street and a number are written there. */
  street(name: string, number: number): string;
  companyWords: readonly string[];
}

const regions: readonly Region[] = [
  {
    country: 'Portugal',
    dial: '+351',
    firstNames: ['Sofia', 'Tiago', 'Marta', 'João', 'Inês', 'Rita', 'Tomás', 'Beatriz', 'Duarte', 'Mariana', 'Rui', 'Catarina', 'Miguel', 'Ana', 'Pedro', 'Leonor', 'Gonçalo', 'Carolina', 'Diogo', 'Filipa'],
    lastNames: ['Almeida', 'Ferreira', 'Sousa', 'Pereira', 'Carvalho', 'Monteiro', 'Rocha', 'Nunes', 'Lima', 'Costa', 'Martins', 'Ribeiro', 'Gomes', 'Lopes', 'Marques', 'Teixeira', 'Correia', 'Mendes', 'Pinto', 'Cardoso'],
    cities: [['Lisbon', '1100-148'], ['Porto', '4000-322'], ['Lisbon', '1250-096'], ['Braga', '4700-435'], ['Lisbon', '1069-052'], ['Coimbra', '3000-214'], ['Faro', '8000-138']],
    streets: ['Rua Augusta', 'Avenida da Liberdade', 'Rua de Santa Catarina', 'Rua do Ouro', 'Avenida dos Aliados', 'Rua Garrett', 'Avenida da República'],
    street: (name, n) => `${name} ${n}`,
    companyWords: ['Atlântico', 'Tejo', 'Lusitânia', 'Alfama', 'Douro', 'Moeda Viva', 'Cofre', 'Belém', 'Minho', 'Estrela'],
  },
  {
    country: 'Germany',
    dial: '+49',
    firstNames: ['Lukas', 'Hannah', 'Jonas', 'Lea', 'Felix', 'Anja', 'Karl', 'Mia', 'Leon', 'Emilia', 'Paul', 'Clara', 'Maximilian', 'Johanna', 'Niklas', 'Greta', 'Moritz', 'Frieda', 'Tobias', 'Ida'],
    lastNames: ['Becker', 'Schulz', 'Wagner', 'Hoffmann', 'Koch', 'Keller', 'Brandt', 'Müller', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Richter', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Krüger', 'Hartmann'],
    cities: [['Berlin', '10117'], ['Hamburg', '20095'], ['Munich', '80331'], ['Berlin', '10178'], ['Cologne', '50667'], ['Frankfurt', '60311']],
    streets: ['Friedrichstraße', 'Mönckebergstraße', 'Leopoldstraße', 'Hohe Straße', 'Kaiserstraße', 'Torstraße', 'Schillerstraße'],
    street: (name, n) => `${name} ${n}`,
    companyWords: ['Nordlicht', 'Kassenwerk', 'Zahlfix', 'Elbe', 'Spree', 'Rheinblick', 'Hansa', 'Isar', 'Lindenhof', 'Brückner'],
  },
  {
    country: 'France',
    dial: '+33',
    firstNames: ['Camille', 'Louis', 'Chloé', 'Hugo', 'Emma', 'Mathieu', 'Léa', 'Gabriel', 'Manon', 'Arthur', 'Juliette', 'Raphaël', 'Inès', 'Jules', 'Louise', 'Théo', 'Zoé', 'Antoine', 'Alice', 'Nicolas'],
    lastNames: ['Durand', 'Lefèvre', 'Moreau', 'Laurent', 'Girard', 'Blanc', 'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit', 'Richard', 'Simon', 'Michel', 'Garnier', 'Faure', 'Rousseau', 'Fontaine', 'Chevalier'],
    cities: [['Paris', '75001'], ['Lyon', '69002'], ['Paris', '75008'], ['Marseille', '13001'], ['Toulouse', '31000'], ['Lille', '59000']],
    streets: ['Rue de Rivoli', 'Boulevard Haussmann', 'Rue de la République', 'Avenue Jean Jaurès', 'Rue Sainte-Catherine', 'Quai des Belges'],
    street: (name, n) => `${n} ${name}`,
    companyWords: ['Lumière', 'Horizon', 'Paiement Net', 'Seine', 'Rhône', 'Étoile', 'Marais', 'Provence', 'Azur', 'Lafayette'],
  },
  {
    country: 'Spain',
    dial: '+34',
    firstNames: ['Lucía', 'Pablo', 'Carmen', 'Javier', 'Elena', 'Sara', 'Alejandro', 'Paula', 'Daniel', 'Martina', 'Sergio', 'Claudia', 'Adrián', 'Irene', 'Álvaro', 'Nerea', 'Diego', 'Alba', 'Marcos', 'Noelia'],
    lastNames: ['García', 'Martínez', 'López', 'Sánchez', 'Romero', 'Vidal', 'Fernández', 'González', 'Rodríguez', 'Pérez', 'Gómez', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Navarro', 'Torres', 'Ramos', 'Castillo', 'Ortega'],
    cities: [['Madrid', '28013'], ['Barcelona', '08002'], ['Madrid', '28001'], ['Valencia', '46002'], ['Seville', '41001'], ['Bilbao', '48001']],
    streets: ['Calle de Alcalá', 'Gran Vía', 'Passeig de Gràcia', 'Calle Mayor', 'Avenida de la Constitución', 'Calle de Serrano'],
    street: (name, n) => `${name} ${n}`,
    companyWords: ['Pago Claro', 'Vértice', 'Ibérica', 'Sol', 'Castilla', 'Mediterránea', 'Alhambra', 'Cantábrico', 'Tajo', 'Meseta'],
  },
  {
    country: 'United Kingdom',
    dial: '+44',
    firstNames: ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Liam', 'Olivia', 'Jack', 'Poppy', 'Charlie', 'Freya', 'Thomas', 'Grace', 'William', 'Evie', 'James', 'Sophie', 'Henry', 'Ruby', 'Alfie'],
    lastNames: ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Walsh', 'Hughes', 'Evans', 'Davies', 'Roberts', 'Wright', 'Thompson', 'White', 'Green', 'Hall', 'Wood', 'Clarke', 'Turner', 'Parker', 'Cooper'],
    cities: [['London', 'EC1A 1BB'], ['Manchester', 'M1 1AE'], ['London', 'SE1 9SG'], ['Birmingham', 'B1 1AA'], ['Edinburgh', 'EH1 1YZ'], ['Bristol', 'BS1 4DJ']],
    streets: ['Baker Street', 'High Street', 'King Street', 'Deansgate', 'Princes Street', 'Victoria Road', 'Queen Street'],
    street: (name, n) => `${n} ${name}`,
    companyWords: ['Thames', 'High Street', 'Harbour', 'Pennine', 'Albion', 'Kingsway', 'Mersey', 'Cotswold', 'Northgate', 'Highland'],
  },
  {
    country: 'Italy',
    dial: '+39',
    firstNames: ['Giulia', 'Marco', 'Chiara', 'Noemi', 'Luca', 'Francesca', 'Matteo', 'Valentina', 'Alessandro', 'Aurora', 'Lorenzo', 'Serena', 'Andrea', 'Giorgia', 'Davide', 'Elisa', 'Simone', 'Ginevra', 'Federico', 'Beatrice'],
    lastNames: ['Rossi', 'Bianchi', 'Romano', 'Ricci', 'Colombo', 'Russo', 'Ferrari', 'Esposito', 'Bruno', 'Gallo', 'Conti', 'De Luca', 'Marino', 'Giordano', 'Mancini', 'Rizzo', 'Lombardi', 'Moretti', 'Barbieri', 'Fontana'],
    cities: [['Milan', '20121'], ['Rome', '00184'], ['Milan', '20123'], ['Turin', '10121'], ['Bologna', '40121'], ['Florence', '50122']],
    streets: ['Via Torino', 'Via del Corso', 'Corso Buenos Aires', 'Via Roma', 'Via dell’Indipendenza', 'Via de’ Tornabuoni'],
    street: (name, n) => `${name} ${n}`,
    companyWords: ['Aurora', 'Pagamenti Facili', 'Lombarda', 'Tevere', 'Adriatica', 'Dolomiti', 'Brera', 'Navigli', 'Vesuvio', 'Laguna'],
  },
  {
    country: 'Poland',
    dial: '+48',
    firstNames: ['Anna', 'Piotr', 'Ewa', 'Tomasz', 'Katarzyna', 'Michał', 'Agnieszka', 'Paweł', 'Magdalena', 'Krzysztof', 'Joanna', 'Marcin', 'Aleksandra', 'Jakub', 'Natalia', 'Wojciech', 'Zofia', 'Kamil', 'Monika', 'Bartosz'],
    lastNames: ['Kowalska', 'Nowak', 'Zielińska', 'Wiśniewski', 'Wójcik', 'Kamiński', 'Lewandowska', 'Dąbrowski', 'Kozłowska', 'Jankowski', 'Mazur', 'Krawczyk', 'Piotrowski', 'Grabowska', 'Pawłowski', 'Michalska', 'Król', 'Wieczorek', 'Jabłońska', 'Majewski'],
    cities: [['Warsaw', '00-001'], ['Kraków', '31-001'], ['Warsaw', '00-950'], ['Gdańsk', '80-001'], ['Wrocław', '50-001'], ['Poznań', '60-001']],
    streets: ['ul. Marszałkowska', 'ul. Floriańska', 'ul. Długa', 'ul. Świdnicka', 'ul. Półwiejska', 'ul. Nowy Świat'],
    street: (name, n) => `${name} ${n}`,
    companyWords: ['Vistula', 'Bałtyk', 'Wawel', 'Mazowsze', 'Odra', 'Tatry', 'Warta', 'Sudety', 'Pomorze', 'Kampinos'],
  },
  {
    country: 'Netherlands',
    dial: '+31',
    firstNames: ['Daan', 'Sanne', 'Bram', 'Fleur', 'Lars', 'Eva', 'Sem', 'Lotte', 'Thijs', 'Noor', 'Ruben', 'Anouk', 'Jesse', 'Femke', 'Stijn', 'Iris', 'Joris', 'Maud', 'Sven', 'Roos'],
    lastNames: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra'],
    cities: [['Amsterdam', '1012 AB'], ['Rotterdam', '3011 AA'], ['Amsterdam', '1017 CT'], ['Utrecht', '3511 AA'], ['The Hague', '2511 AA'], ['Eindhoven', '5611 AA']],
    streets: ['Damrak', 'Coolsingel', 'Oudegracht', 'Lange Poten', 'Kalverstraat', 'Stratumseind'],
    street: (name, n) => `${name} ${n}`,
    companyWords: ['Oranje', 'Grachten', 'Polder', 'Zuidas', 'Maas', 'Delta', 'Tulp', 'Noordzee', 'Windmolen', 'Amstel'],
  },
];

/** Portugal three times in ten: the demo agency sits in Lisbon and runs a Lisbon summit. */
const regionOrder = [0, 1, 0, 2, 3, 4, 0, 5, 6, 7] as const;
const companyKinds = [
  ['Bank', 'Finance'], ['Payments', 'Fintech'], ['Retail Group', 'Retail'], ['Events', 'Events'], ['Labs', 'Retail tech'], ['Capital', 'Finance'],
  ['Commerce', 'E-commerce'], ['Media', 'Media'], ['Logistics', 'Logistics'], ['Insurance', 'Insurance'], ['Software', 'Software'], ['Partners', 'Consulting'],
] as const;
export const jobTitles = [
  'Head of Partnerships', 'CFO', 'Marketing Director', 'CEO', 'Event Manager', 'Head of Sales', 'Procurement Lead', 'CTO', 'Brand Manager', 'COO',
  'Business Developer', 'Communications Lead', 'Founder', 'Sponsorship Manager', 'Head of Retail', 'Innovation Lead', 'VP Payments', 'Events Coordinator',
  'Chief Digital Officer', 'Head of Growth', 'PR Manager', 'Managing Director', 'Product Director', 'Regional Manager', 'Sales Director',
] as const;

/** A person of the demo data: unique full name, their country and a complete address. */
export interface DemoPerson {
  firstName: string;
  middleName: string | null;
  lastName: string;
  country: string;
  region: number;
  address: { line1: string; city: string; postalCode: string; country: string };
  phone: string;
}

const pairsPerRegion = 20 * 20;
const slotsPerRound = regionOrder.length;

/** How many unique people `person()` can make (each pair alone, with 19 single and 342 double middle names). */
export const MAX_PEOPLE = Math.floor((pairsPerRegion * (1 + 19 + 19 * 18)) / 3) * slotsPerRound;

/**
 * The `i`-th person. Names never repeat: `i` walks every first/last pair of each country (in a
 * scattered order, so neighbours differ), then the same pairs with one middle name, then with two.
 */
export function person(i: number): DemoPerson {
  const round = Math.floor(i / slotsPerRound);
  const slot = i % slotsPerRound;
  const regionIndex = regionOrder[slot]!;
  const region = regions[regionIndex]!;
  // Portugal has three slots per round: each takes its own share of the pairs, in turn.
  const share = regionOrder.slice(0, slot).filter((r) => r === regionIndex).length;
  const shares = regionOrder.filter((r) => r === regionIndex).length;
  const k = round * shares + share;
  const pairIndex = (k * 151) % pairsPerRegion; // 151 is coprime with 400: a permutation of the pairs
  const level = Math.floor(k / pairsPerRegion);
  const first = pairIndex % 20;
  const last = Math.floor(pairIndex / 20);
  let middleName: string | null = null;
  if (level >= 1 && level <= 19) middleName = region.firstNames[(first + level) % 20]!;
  else if (level > 19) {
    const a = (level - 20) % 19;
    const b = Math.floor((level - 20) / 19);
    middleName = `${region.firstNames[(first + 1 + a) % 20]!} ${region.firstNames[(first + 1 + ((a + 1 + b) % 19)) % 20]!}`;
  }
  const [city, postalCode] = region.cities[(k * 7 + last) % region.cities.length]!;
  const street = region.street(region.streets[(k + first) % region.streets.length]!, 1 + ((k * 37 + first * 11) % 240));
  const digits = String(1_000_000 + ((i * 7919) % 9_000_000)).padStart(7, '0');
  return {
    firstName: region.firstNames[first]!,
    middleName,
    lastName: region.lastNames[last]!,
    country: region.country,
    region: regionIndex,
    address: { line1: street, city, postalCode, country: region.country },
    phone: `${region.dial} ${digits.slice(0, 3)} ${digits.slice(3)}`,
  };
}

/** A company of the demo data: unique name, industry, domain and head-office address. */
export interface DemoCompany {
  name: string;
  industry: string;
  domain: string;
  address: { line1: string; city: string; postalCode: string; country: string };
  region: number;
}

/** The companies the demo agency knows first, in the order the demo's examples name them. */
const knownCompanies: readonly (readonly [name: string, industry: string, region: number])[] = [
  ['Banco Atlântico', 'Finance', 0], ['PagaJá', 'Fintech', 0], ['Nordlicht Bank', 'Finance', 1], ['Kassenwerk GmbH', 'Retail tech', 1],
  ['Maison Lumière', 'Retail', 2], ['Crédit Horizon', 'Finance', 2], ['TiendaNube Iberia', 'E-commerce', 3], ['Pago Claro', 'Fintech', 3],
  ['Thames Capital', 'Finance', 4], ['High Street Labs', 'Retail tech', 4], ['Banca Aurora', 'Finance', 5], ['Vistula Payments', 'Fintech', 6],
];

const knownNames = new Set(knownCompanies.map(([name]) => name));

/** How many unique companies `company()` can make. */
export const MAX_COMPANIES = knownCompanies.length + regions.length * 10 * companyKinds.length;

const ascii = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]/g, '');

/** The `i`-th company (names never repeat below `MAX_COMPANIES`). */
export function company(i: number): DemoCompany {
  let name: string;
  let industry: string;
  let regionIndex: number;
  if (i < knownCompanies.length) {
    [name, industry, regionIndex] = knownCompanies[i]! as [string, string, number];
  } else {
    const j = (i - knownCompanies.length) % (MAX_COMPANIES - knownCompanies.length);
    regionIndex = j % regions.length;
    const region = regions[regionIndex]!;
    const k = Math.floor(j / regions.length);
    const word = region.companyWords[k % 10]!;
    const [kind, kindIndustry] = companyKinds[(Math.floor(k / 10) + regionIndex * 5) % companyKinds.length]!;
    name = `${word} ${kind}`;
    // A made-up name that happens to be one of the known companies takes its home city along.
    if (knownNames.has(name)) name = `${name} ${region.cities[k % region.cities.length]![0]}`;
    industry = kindIndustry;
  }
  const region = regions[regionIndex]!;
  const [city, postalCode] = region.cities[i % region.cities.length]!;
  return {
    name,
    industry,
    domain: `${ascii(name)}.example`,
    address: { line1: region.street(region.streets[i % region.streets.length]!, 2 + ((i * 13) % 90)), city, postalCode, country: region.country },
    region: regionIndex,
  };
}

/** An email address for a person at a company's domain (ASCII, unique as the name is). */
export function emailOf(p: Pick<DemoPerson, 'firstName' | 'middleName' | 'lastName'>, domain: string): string {
  return [p.firstName, ...(p.middleName ? p.middleName.split(' ') : []), p.lastName].map(ascii).join('.') + `@${domain}`;
}

/** A deterministic pseudo-random number in [0, 1) for `seed` (mulberry32), for spreads that look natural. */
export function noise(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Picks from `weighted` ([value, weight] pairs) with `r` in [0, 1). */
export function pick<T>(weighted: readonly (readonly [T, number])[], r: number): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let at = r * total;
  for (const [value, w] of weighted) {
    if (at < w) return value;
    at -= w;
  }
  return weighted[weighted.length - 1]![0];
}
