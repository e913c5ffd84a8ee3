/** Team members' names by id, for the lists that carry only ids. */
import { useMemo } from 'react';
import { useApi } from '../../store/query';

export function useMemberNames(): (id: string | null) => string {
  const members = useApi('team.members.list', {});
  const names = useMemo(() => new Map((members.data ?? []).map((m) => [m.id, m.name])), [members.data]);
  return (id) => (id === null ? '—' : (names.get(id) ?? id));
}
