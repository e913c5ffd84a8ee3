/** The columns every event history starts with, local or a team's: the same words in the same order. */
export function HistoryHeadCells({ zone }: { zone: string }) {
  return (
    <>
      <th>When ({zone})</th>
      <th>Action</th>
      <th>Pool</th>
      <th className="num">Quantity</th>
      <th className="num">Credits</th>
      <th>Status</th>
      <th>Member</th>
    </>
  );
}
