import type { Profile } from './profile.ts';
import { bayannur2020 } from './profiles/bayannur-2020.ts';
import { hainan2023 } from './profiles/hainan-2023.ts';

/** The policy profiles, by id. A new one is a module under profiles/ and a line here. */
const PROFILES: readonly Profile[] = [
  hainan2023,
  bayannur2020,
];

export function profileIds(): string[] {
  return PROFILES.map((p) => p.id);
}

/** The profile with this id, or null. */
export function findProfile(id: string): Profile | null {
  return PROFILES.find((p) => p.id === id) ?? null;
}
