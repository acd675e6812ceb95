import { useNavigation } from "@remix-run/react";
import { useEffect, useRef, type Dispatch, type SetStateAction } from "react";
import { useWorkstationChannel } from "./use-workstation-channel";
import { openSyncChannel, postSync, targetForLine, type ReadingMarkMessage } from "./workstation-sync";

/**
 * After Next the redirect names the new claim (`?claim=`): the viewer window starts loading it now,
 * in parallel with the workstation's own data, instead of after it (one round trip saved).
 */
export function useAnnounceIncomingClaim(currentClaimId: string): void {
  const navigation = useNavigation();
  const loadingClaim =
    navigation.state === "loading" && navigation.location.pathname.startsWith("/work/")
      ? new URLSearchParams(navigation.location.search).get("claim")
      : null;
  const channel = useRef<BroadcastChannel | null>(null);
  useEffect(() => {
    channel.current = openSyncChannel();
    return () => {
      channel.current?.close();
      channel.current = null;
    };
  }, []);
  useEffect(() => {
    if (loadingClaim && loadingClaim !== currentClaimId) postSync(channel.current, { type: "claim", claimId: loadingClaim, receiptId: null });
  }, [loadingClaim, currentClaimId]);
}

/**
 * The workstation's side of the two-monitor sync: the viewer window follows the selected line
 * ("show"), moves to this claim when the task opens ("claim"), and a reloaded window on either side
 * asks ("hello") and is told ("state"), so this page picks up the line the viewer shows. Returns the
 * receipt the selected line shows (null when none), which is where "open the viewer" opens it.
 */
export function useWorkstationLineSync({
  claimId,
  lines,
  receipts,
  selected,
  setSelected,
  markFor,
}: {
  /** Issue 14: where the receipt's total was read, sent with "show" for the viewer to highlight. */
  markFor?: (receiptId: string) => ReadingMarkMessage | null;
  claimId: string;
  lines: readonly { id: string; receiptIds: readonly string[] }[];
  receipts: readonly { id: string }[];
  selected: number;
  setSelected: Dispatch<SetStateAction<number>>;
}): string | null {
  const selectedLine = selected >= 0 ? lines[selected] : undefined;
  const targetReceiptId = targetForLine(selectedLine, receipts)?.receiptId ?? null;
  const selectedLineId = selectedLine?.id ?? null;
  // Set when the selection was adopted from the viewer (it is already there: do not move it to page 1).
  const adopted = useRef<number | null>(null);

  const channel = useWorkstationChannel(claimId, {
    onOpen: (open) => {
      // A new task (e.g. taken with Next) moves the viewer to this claim; then ask where it is.
      postSync(open, { type: "claim", claimId, receiptId: null });
      postSync(open, { type: "hello", from: "workstation", claimId });
    },
    onMessage: (message, open) => {
      if (message.type === "hello" && message.from === "viewer") {
        postSync(open, { type: "state", from: "workstation", claimId, receiptId: targetReceiptId, page: 1, lineIds: selectedLineId ? [selectedLineId] : [] });
      } else if (message.type === "state" && message.from === "viewer") {
        // After a reload of this page: pick up the line the viewer was showing, if nothing is selected.
        const index = lines.findIndex((l) => message.lineIds.includes(l.id));
        if (index < 0) return;
        setSelected((current) => {
          if (current >= 0) return current;
          adopted.current = index;
          return index;
        });
      }
    },
  });

  useEffect(() => {
    if (selected < 0 || targetReceiptId === null || selectedLineId === null) return;
    if (adopted.current === selected) {
      adopted.current = null;
      return;
    }
    const mark = markFor?.(targetReceiptId) ?? null;
    // The page where the total was read (a PDF's second page), else the first.
    const page = mark?.region?.page ?? 1;
    postSync(channel.current, { type: "show", claimId, receiptId: targetReceiptId, page, lineIds: [selectedLineId], sentAt: Date.now(), mark });
    // markFor is derived from loader data: the selection, not its identity, decides when to post.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected, selectedLineId, targetReceiptId, claimId, channel]);

  return targetReceiptId;
}
