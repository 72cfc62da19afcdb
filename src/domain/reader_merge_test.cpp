#include "domain/reader_merge.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

MergeHoldings reader(long long id, const std::string& card) {
  MergeHoldings holdings;
  holdings.reader_id = id;
  holdings.card_number = card;
  return holdings;
}

TEST(ReaderMerge, TwoRecordsWithNothingInCommonMerge) {
  auto kept = reader(1, "C1");
  auto other = reader(2, "C2");
  kept.open_loans = {{"10", "B10"}};
  other.open_loans = {{"11", "B11"}};
  kept.active_reservations = {{"t:a", "Title A"}};
  other.active_reservations = {{"t:b", "Title B"}};
  kept.activity_enrolments = {{"5", "Storytime"}};
  other.activity_enrolments = {{"6", "Chess"}};
  kept.study_applications = {{"7", "7"}};
  other.study_applications = {{"8", "8"}};
  EXPECT_TRUE(merge_conflicts(kept, other).empty());
}

TEST(ReaderMerge, ARecordIsNotMergedIntoItself) {
  const auto conflicts = merge_conflicts(reader(1, "C1"), reader(1, "C1"));
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].code, ErrorCode::kMergeSameReader);
}

TEST(ReaderMerge, AMergedRecordIsNotMergedAgainEitherWay) {
  auto kept = reader(1, "C1");
  auto other = reader(2, "C2");
  other.merged_into_card = "C9";
  auto conflicts = merge_conflicts(kept, other);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].code, ErrorCode::kMergeAlreadyMerged);
  EXPECT_EQ(conflicts[0].params.at("card"), "C2");
  EXPECT_EQ(conflicts[0].params.at("into"), "C9");
  conflicts = merge_conflicts(other, kept);
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].params.at("card"), "C2");
}

TEST(ReaderMerge, WhatOnlyOneRecordMayHoldIsAConflictEachWithItsName) {
  auto kept = reader(1, "C1");
  auto other = reader(2, "C2");
  kept.open_loans = {{"10", "B10"}};
  other.open_loans = {{"10", "B10"}};
  kept.active_reservations = {{"t:a", "Title A"}, {"t:c", "Title C"}};
  other.active_reservations = {{"t:a", "Title A"}};
  kept.activity_enrolments = {{"5", "Storytime"}};
  other.activity_enrolments = {{"5", "Storytime"}};
  kept.study_applications = {{"7", "7"}};
  other.study_applications = {{"7", "7"}};
  other.open_application = "R2026-0001";
  const auto conflicts = merge_conflicts(kept, other);
  ASSERT_EQ(conflicts.size(), 5u);
  EXPECT_EQ(conflicts[0].code, ErrorCode::kMergeSameItemOnLoan);
  EXPECT_EQ(conflicts[0].params.at("barcode"), "B10");
  EXPECT_EQ(conflicts[1].code, ErrorCode::kMergeSameTitleReserved);
  EXPECT_EQ(conflicts[1].params.at("title"), "Title A");
  EXPECT_EQ(conflicts[2].code, ErrorCode::kMergeSameActivity);
  EXPECT_EQ(conflicts[2].params.at("activity"), "Storytime");
  EXPECT_EQ(conflicts[3].code, ErrorCode::kMergeSameStudyPeriod);
  EXPECT_EQ(conflicts[4].code, ErrorCode::kMergeOpenApplication);
  EXPECT_EQ(conflicts[4].params.at("reference"), "R2026-0001");
  EXPECT_EQ(conflicts[4].params.at("card"), "C2");
}

TEST(ReaderMerge, AnApplicationInProgressOnTheKeptRecordIsAConflictToo) {
  auto kept = reader(1, "C1");
  kept.open_application = "R1";
  const auto conflicts = merge_conflicts(kept, reader(2, "C2"));
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].params.at("card"), "C1");
}

}  // namespace
}  // namespace shelfmark::domain
