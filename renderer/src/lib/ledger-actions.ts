/** The ledger's own actions, which no rate card defines: how the app names them (docs/app.md). */
const OWN: Record<string, string> = {
  opening: 'Opening balance (used before tracking)',
  reconciliation: "Reconciled with the service's meter",
};

/** The label of an action: the rate card's, the ledger's own, or its id. */
export function actionLabel(id: string, rateCard: readonly { id: string; label: string }[] | undefined): string {
  return OWN[id] ?? rateCard?.find((a) => a.id === id)?.label ?? id;
}
