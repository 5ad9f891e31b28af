"""Glue: which facts reach which handler, which requests the service answers, what it publishes.

These tables drive both the running service and its AsyncAPI document.
"""

from sellerops.contracts.fulfillment import AfnOrderShipped, AfnOrderUnfulfillable, McfOrderStatusChanged
from sellerops.contracts.inbound import (
    CancelInboundPlan, CaseClosed, CaseList, CaseReimbursed, ClaimDeadlineApproaching, ConfirmPlacement,
    CreateInboundPlan, DiscrepancyCaseOpened, InboundPlanCanceled, InboundPlanConfirmed, InboundPlanCreated,
    InboundPlanView, InboundReceiptReported, InboundShipmentCreated, InboundShipmentStatusChanged,
    InboundShipmentStatusReported, InboundUnitsReceived, ListCases, ListShipments, PlacementOptionsGenerated, PlanRef,
    ReimbursementIssued, ReimbursementUnmatched, ResolveCase, ShipmentList, ShipmentRef, ShipmentView, UpdateShipment,
)
from sellerops.contracts.inventory import (
    CheckLedger, CreateRemovalOrder, GetInventory, GetOutboundOrder, InventoryAdjustmentReported,
    InventoryAvailabilityReported, InventoryCountDiffered, InventoryCountReconciled, InventoryList,
    InventoryMoved, InventorySummary, InventoryTransferReported, LedgerCheck, ListInventory, OutboundOrderAllocated,
    OutboundOrderStatusChanged, OutboundOrderView, OutboundShipmentReported, RemovalOrderCreated,
    RemovalOrderProgressed, RemovalOrderView, RemovalRef, RemovalShipmentReported,
)
from sellerops.contracts.market import OrderPlaced
from sellerops.contracts.orders import (
    McfOrderCancelRequested, McfOrderReleased, McfOrderRequested, OrderCanceled, OrderReleased,
)
from sellerops.contracts.returns import CustomerReturnReceived
from sellerops.fulfillment.handlers import inventory, outbound, plans, removals, shipments
from sellerops.runtime.host import ConsumerSpec, EndpointSpec

MARKET_SHIPMENTS = ConsumerSpec(durable="fulfillment-market-inbound-shipment", source="market",
                                entity="inbound_shipment")
MARKET_REIMBURSEMENTS = ConsumerSpec(durable="fulfillment-market-reimbursement", source="market",
                                     entity="reimbursement")
MARKET_INVENTORY = ConsumerSpec(durable="fulfillment-market-inventory", source="market", entity="inventory")
MARKET_OUTBOUND = ConsumerSpec(durable="fulfillment-market-outbound-order", source="market", entity="outbound_order")
MARKET_REMOVALS = ConsumerSpec(durable="fulfillment-market-removal-order", source="market", entity="removal_order")
MARKET_ORDERS = ConsumerSpec(durable="fulfillment-market-order", source="market", entity="order")  # where buyers are
ORDERS = ConsumerSpec(durable="fulfillment-orders-order", source="orders", entity="order")
MCF_ORDERS = ConsumerSpec(durable="fulfillment-orders-mcf-order", source="orders", entity="mcf_order")
RETURNS = ConsumerSpec(durable="fulfillment-returns-customer-return", source="returns", entity="customer_return")
# The service follows its own plans: a confirmed plan's shipments are created from the event, so a
# crash after confirming cannot leave a plan without its shipments.
OWN_PLANS = ConsumerSpec(durable="fulfillment-own-inbound-plan", source="fulfillment", entity="inbound_plan")
# And its own ledger and outbound orders: FillAll orders short of a SKU are served when units of it
# become fulfillable (backorders).
OWN_LEDGER = ConsumerSpec(durable="fulfillment-own-inventory", source="fulfillment", entity="inventory")
OWN_OUTBOUND = ConsumerSpec(durable="fulfillment-own-outbound-order", source="fulfillment", entity="outbound_order")
CONSUMERS = (MARKET_SHIPMENTS, MARKET_REIMBURSEMENTS, MARKET_INVENTORY, MARKET_OUTBOUND, MARKET_REMOVALS, ORDERS,
             MCF_ORDERS, RETURNS, OWN_PLANS, OWN_LEDGER, OWN_OUTBOUND, MARKET_ORDERS)

ROUTES = {
    MARKET_SHIPMENTS: {InboundShipmentStatusReported: shipments.on_shipment_status,
                       InboundReceiptReported: shipments.on_receipt},
    MARKET_REIMBURSEMENTS: {ReimbursementIssued: shipments.on_reimbursement},
    MARKET_INVENTORY: {InventoryAdjustmentReported: inventory.on_adjustment,
                       InventoryTransferReported: inventory.on_transfer,
                       InventoryAvailabilityReported: inventory.on_availability},
    MARKET_OUTBOUND: {OutboundShipmentReported: outbound.on_outbound_shipped},
    MARKET_REMOVALS: {RemovalShipmentReported: removals.on_removal_processed},
    ORDERS: {OrderReleased: outbound.on_order_released, OrderCanceled: outbound.on_order_canceled},
    MARKET_ORDERS: {OrderPlaced: plans.on_order_placed},
    MCF_ORDERS: {McfOrderRequested: outbound.on_mcf_requested,
                 McfOrderCancelRequested: outbound.on_mcf_cancel_requested, McfOrderReleased: outbound.on_mcf_released},
    RETURNS: {CustomerReturnReceived: inventory.on_customer_return},
    OWN_PLANS: {InboundPlanConfirmed: shipments.on_plan_confirmed, InboundPlanCanceled: shipments.on_plan_canceled},
    OWN_LEDGER: {InventoryMoved: outbound.on_stock_moved},
    OWN_OUTBOUND: {OutboundOrderAllocated: outbound.on_outbound_allocated},
}
ENDPOINTS = (
    EndpointSpec("create_inbound_plan", CreateInboundPlan, InboundPlanView, plans.create_inbound_plan,
                 "create an inbound plan and its placement options (each placement plugin's split, fees, expiry)"),
    EndpointSpec("regenerate_placement_options", PlanRef, InboundPlanView, plans.regenerate_options,
                 "generate fresh placement options for an unconfirmed plan (options expire)"),
    EndpointSpec("confirm_placement_option", ConfirmPlacement, InboundPlanView, plans.confirm_placement,
                 "confirm one placement option: its shipments are created with ids and destinations"),
    EndpointSpec("cancel_inbound_plan", CancelInboundPlan, InboundPlanView, plans.cancel_inbound_plan,
                 "void a plan; its shipments not yet sent are deleted"),
    EndpointSpec("get_inbound_plan", PlanRef, InboundPlanView, plans.get_inbound_plan, "a plan with its options"),
    EndpointSpec("update_inbound_shipment", UpdateShipment, ShipmentView, shipments.update_shipment,
                 "the seller's side of a shipment: ready to ship, shipped (carrier and tracking), cancelled, deleted"),
    EndpointSpec("get_inbound_shipment", ShipmentRef, ShipmentView, shipments.get_shipment,
                 "a shipment with expected and received units, dates, tracking and its discrepancy case"),
    EndpointSpec("list_inbound_shipments", ListShipments, ShipmentList, shipments.list_shipments,
                 "a seller's inbound shipments, by status or plan"),
    EndpointSpec("list_cases", ListCases, CaseList, shipments.list_cases,
                 "receiving discrepancy cases, soonest claim deadline first"),
    EndpointSpec("resolve_case", ResolveCase, ShipmentView, shipments.resolve_case,
                 "close a discrepancy case without (full) reimbursement, with a reason"),
    EndpointSpec("get_inventory", GetInventory, InventorySummary, inventory.get_inventory,
                 "one SKU's inventory: fulfillable, inbound, reserved, researching, unfulfillable, per center"),
    EndpointSpec("list_inventory", ListInventory, InventoryList, inventory.list_inventory,
                 "every SKU's inventory summary"),
    EndpointSpec("check_ledger", CheckLedger, LedgerCheck, inventory.check_ledger,
                 "replay the ledger from the stream and report any drift from the stored summaries"),
    EndpointSpec("get_outbound_order", GetOutboundOrder, OutboundOrderView, outbound.get_outbound_order,
                 "an AFN or MCF order as the network fulfils it: allocations, shortfalls, shipments"),
    EndpointSpec("create_removal_order", CreateRemovalOrder, RemovalOrderView, removals.create_removal_order,
                 "return units to an address or dispose of them"),
    EndpointSpec("cancel_removal_order", RemovalRef, RemovalOrderView, removals.cancel_removal_order,
                 "cancel what a removal order has not yet shipped or disposed of"),
    EndpointSpec("get_removal_order", RemovalRef, RemovalOrderView, removals.get_removal_order,
                 "a removal order with per-SKU quantities"),
)
PUBLISHES = (
    InboundPlanCreated, PlacementOptionsGenerated, InboundPlanConfirmed, InboundPlanCanceled, InboundShipmentCreated,
    InboundShipmentStatusChanged, InboundUnitsReceived, DiscrepancyCaseOpened, ClaimDeadlineApproaching,
    CaseReimbursed, CaseClosed, ReimbursementUnmatched, InventoryMoved, OutboundOrderAllocated,
    OutboundOrderStatusChanged, AfnOrderShipped, AfnOrderUnfulfillable, McfOrderStatusChanged, RemovalOrderCreated,
    RemovalOrderProgressed, InventoryCountDiffered, InventoryCountReconciled,
)

