import { useNavigate } from "@remix-run/react";
import { useRef, useState } from "react";
import { useWorkstationChannel } from "./use-workstation-channel";
import { postSync, viewerPath, type ReadingMarkMessage } from "./workstation-sync";

/**
 * The viewer's side of the two-monitor sync: the workstation says which line is selected ("show") and
 * when it moved to another claim ("claim"); a reloaded window on either side asks ("hello") and is told
 * ("state"). Not debounced: immediate. Returns the lines the workstation last selected (emphasised).
 */
export function useViewerSync({
  claimId,
  receiptId,
  page,
  show,
}: {
  claimId: string;
  receiptId: string | null;
  page: number;
  show: (receiptId: string, page: number) => void;
}): { lineIds: string[]; mark: (ReadingMarkMessage & { receiptId: string }) | null } {
  const [highlightLineIds, setHighlightLineIds] = useState<string[]>([]);
  const [mark, setMark] = useState<(ReadingMarkMessage & { receiptId: string }) | null>(null);
  const [forClaim, setForClaim] = useState(claimId);
  if (forClaim !== claimId) {
    setForClaim(claimId);
    setHighlightLineIds([]);
    setMark(null);
  }
  const navigate = useNavigate();
  // The claim a "claim" message already sent this window to: the workstation says it twice (early, from
  // its redirect, and once loaded), and starting the same navigation again would only restart it.
  const following = useRef<string | null>(null);

  useWorkstationChannel(claimId, {
    onOpen: (channel) => {
      following.current = null;
      postSync(channel, { type: "hello", from: "viewer", claimId });
    },
    onMessage: (message, channel) => {
      switch (message.type) {
        case "show":
          show(message.receiptId, message.page);
          setHighlightLineIds(message.lineIds);
          setMark(message.mark ? { ...message.mark, receiptId: message.receiptId } : null);
          return;
        case "claim":
          if (message.claimId !== claimId && message.claimId !== following.current) {
            following.current = message.claimId;
            navigate(viewerPath(message.claimId, message.receiptId));
          }
          return;
        case "hello":
          if (message.from === "workstation") {
            postSync(channel, { type: "state", from: "viewer", claimId, receiptId, page, lineIds: highlightLineIds });
          }
          return;
        case "state":
          if (message.from !== "workstation") return;
          setHighlightLineIds(message.lineIds);
          // Keep the page when already on that receipt (a reload of this window keeps its place).
          if (message.receiptId !== null && message.receiptId !== receiptId) show(message.receiptId, message.page);
          return;
      }
    },
  });
  return { lineIds: highlightLineIds, mark };
}
